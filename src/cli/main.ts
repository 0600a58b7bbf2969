import { Argument, Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { EXIT, UserError } from "../io/errors.js";
import { VERSION } from "../io/package.js";
import { setMaxFileSize } from "../io/read.js";
import { writeFailure } from "../io/write.js";
import { visible } from "../text/visible.js";
import { BATCH_WORKER } from "./batch/worker-flag.js";
import { SHELLS, type Shell } from "./completion.js";
import { ASSESSMENT_FORMATS } from "./render.js";
import { sourceMapped } from "./stack.js";

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** A flag that may be given several times, collected into a list (empty when never given). */
const repeatable = (flags: string, description: string) =>
  new Option(flags, `${description} (repeatable)`).argParser(collect).default([], "none");

/** `--rubrics DIR`, the same on every command that loads rubrics. */
const rubricsOption = () =>
  repeatable("--rubrics <dir>", "rubric folder or file to use instead of the built-in set");

const formatOption = (choices: readonly string[], description = "output format") =>
  new Option("--format <format>", description).choices(choices).default("text");

/** Commander's internal handler for an unknown flag: it finds the "did you mean". */
type UnknownOptionHandler = { unknownOption(flag: string): never };

class Program extends Command {
  override createCommand(name?: string): Command {
    return new Program(name);
  }

  /** Commander suggests a flag for `--formt json`; `--formt=json` deserves the same. */
  unknownOption(flag: string): never {
    const handler = Command.prototype as unknown as UnknownOptionHandler;
    return handler.unknownOption.call(
      this,
      flag.startsWith("--") ? (flag.split("=")[0] ?? flag) : flag,
    );
  }
}

function buildProgram(): Command {
  const program = new Program("rolefit")
    .description("Assess whether to combine, separate or matrix the CTO and CIO roles.")
    .version(VERSION, "-v, --version")
    // -V as well: commander's own default, which scripts may already use.
    .addOption(new Option("-V").hideHelp())
    .on("option:V", () => {
      process.stdout.write(`${VERSION}\n`);
      throw new CommanderError(0, "commander.version", VERSION);
    })
    .option("--no-color", "plain output, without colour")
    .option("--debug", "show stack traces for internal errors")
    .option(
      "--max-file-size <bytes>",
      "refuse input files larger than this (default 1048576, 1 MiB)",
      (value: string) => {
        const bytes = Number(value);
        if (!Number.isInteger(bytes) || bytes <= 0)
          throw new InvalidArgumentError("expected a whole number of bytes above 0");
        return bytes;
      },
    )
    .hook("preAction", (command) => {
      const { maxFileSize } = command.opts() as { maxFileSize?: number };
      if (maxFileSize !== undefined) setMaxFileSize(maxFileSize);
    })
    .showSuggestionAfterError()
    .exitOverride()
    .configureOutput({
      outputError: (text, write) =>
        write(visibleLines(quotedVisible(text.replace(/^error: /, "rolefit: ")))),
    });

  program
    .command("assess")
    .description("assess an organisation: an interview on a terminal, or from an org file")
    .option("--org <paths...>", "org files, folders or globs to assess (- reads standard input)")
    .option("--interactive", "interview for the questions the org file leaves unanswered")
    .option("--ask-skipped", "in the interview, ask again the questions marked not sure (null)")
    .option(
      "--adaptive",
      "in the interview, ask the most decisive question next and stop once the verdict is settled",
    )
    .addOption(
      repeatable(
        "--respondent <name>",
        "in the interview, record this person's answers in a file of their own",
      ),
    )
    .option(
      "--respondents <files...>",
      "several people's org files for one organisation: the consensus and where they disagree",
    )
    .option(
      "--answers <file>",
      "where the interview saves answers (default: <organisation>.yaml here)",
    )
    .addOption(
      repeatable("--set <question=value>", "override one answer, e.g. --set employees=900"),
    )
    .addOption(rubricsOption())
    .addOption(
      formatOption(
        [...ASSESSMENT_FORMATS, "jsonl", "csv", "xlsx"],
        "output format (html is one self-contained page; jsonl, csv and xlsx for batches)",
      ),
    )
    .option("--out <file>", "write the result to this file (atomically) instead of standard output")
    .option(
      "--columns <columns>",
      "csv: summary (default), full, or a comma-separated list (see the README's Batches)",
    )
    .option("--bom", "csv: start with a byte-order mark, so Excel opens it as UTF-8")
    .addOption(
      new Option(
        "--detail <level>",
        "json, jsonl: full records, or summary ones without the rubrics' prose",
      )
        .choices(["summary", "full"])
        .default("full"),
    )
    .option(
      "--jobs <count>",
      "batches: worker threads to assess on (default: one per core but one, from 200 files)",
      (value: string) => {
        const count = Number(value);
        if (!Number.isInteger(count) || count < 1 || count > 64)
          throw new InvalidArgumentError("expected a whole number from 1 to 64");
        return count;
      },
    )
    .option("--summary", "print only the one-screen summary of the result (text)")
    .option("--details", "print the full text report, without the summary and its menu")
    .option("--prepared-for <name>", "the handout's client, on its cover (else the org file's)")
    .option("--prepared-by <name>", "who prepared the handout, on its cover (else the org file's)")
    .addHelpText(
      "after",
      "\nOn a terminal, one organisation's text result opens with a one-screen summary and a menu\n(details, write the report, finish); piped or redirected, it is the full text report.\n\nExamples:\n  rolefit assess                                   interview in the terminal\n  rolefit assess --org acme.yaml --interactive     resume: ask what acme.yaml leaves open\n  rolefit assess --adaptive                        ask only what could change the verdict\n  rolefit assess --org examples/northwind-payments.yaml\n  rolefit assess --org org.yaml --set major_incidents_12m=8 --format json",
    )
    .action(async (options) =>
      (await import("./commands/assess.js")).runAssess(options, program.opts()),
    );

  program
    .command("workshop")
    .description(
      "run a room: everyone answers on their own phone, independently, then the reveal and Delphi rounds",
    )
    .requiredOption("--org <file>", "the org file: its answers are the facts nobody is asked")
    .option("--host <address>", "the address to listen on (default: this laptop's LAN address)")
    .option("--port <port>", "the port to listen on (default: 4800, or a free one if taken)")
    .option("--out <file>", "where finishing writes the handout (default: <org>.workshop.html)")
    .option("--prepared-for <name>", "the handout's client, on its cover (else the org file's)")
    .option("--prepared-by <name>", "who prepared the handout, on its cover (else the org file's)")
    .addOption(rubricsOption())
    .addHelpText(
      "after",
      "\nThe room lives in <org>.room/ next to the org file: room.json and one respondent org file per\nperson, saved after every answer. Keys: r reveal, n next round, f finish, q pause (resume by\nrunning the same command again).\n\nExample:\n  rolefit workshop --org examples/northwind-payments.yaml",
    )
    .action(async (options) =>
      (await import("./commands/workshop.js")).runWorkshop(options, program.opts()),
    );

  const rubric = program
    .command("rubric")
    .description("work on rubric sets: see what a change does before it ships");
  rubric
    .command("diff")
    .description(
      "assess a corpus of org files under two rubric sets: which verdicts flip and why, which confidences change",
    )
    .argument("<old>", "the rubric set before: builtin, a folder or a file")
    .argument("<new>", "the rubric set after: builtin, a folder or a file")
    .requiredOption("--corpus <paths...>", "the org files to replay: files, folders or globs")
    .option("--fail-on-flip", "exit 1 when any verdict flips")
    .addOption(
      formatOption(
        ["text", "json", "markdown", "github"],
        "output format (markdown: a pull-request comment; github: workflow annotations)",
      ),
    )
    .action(async (oldSpec: string, newSpec: string, options) =>
      (await import("./commands/rubric-diff.js")).runRubricDiff(
        oldSpec,
        newSpec,
        options,
        program.opts(),
      ),
    );

  program
    .command("calibrate")
    .description(
      "fit the rubric weights to a firm's own verdicts (linear programming), with leave-one-out agreement",
    )
    .requiredOption(
      "--cases <paths...>",
      "judged cases: RubricTest files, or org files with expect: { recommendation: ... }",
    )
    .option(
      "--effects",
      "also fit answer effects, each within its rubric's fit: { effects: N } (after the weights)",
    )
    .option(
      "--out <dir>",
      "where to write the fitted rubric set (a new folder)",
      "rolefit-calibrated",
    )
    .addOption(rubricsOption())
    .addOption(formatOption(["text", "json"]))
    .action(async (options) =>
      (await import("./commands/calibrate.js")).runCalibrate(options, program.opts()),
    );

  program
    .command("validate")
    .description("validate rubric and org files (the built-in rubrics when no path is given)")
    .argument("[paths...]", "files or folders to validate")
    .addOption(rubricsOption())
    .addOption(
      formatOption(
        ["text", "json", "github", "sarif"],
        "output format (github: workflow annotations; sarif: 2.1.0 for code scanning)",
      ),
    )
    .addOption(
      new Option("--fail-severity <severity>", "exit 1 on findings of this severity or worse")
        .choices(["error", "warning"])
        .default("error"),
    )
    .action(async (paths: string[], options) =>
      (await import("./commands/validate.js")).runValidate(paths, options, program.opts()),
    );

  program
    .command("rubrics")
    .description("list the loaded rubrics and their questions, types and allowed values")
    .addOption(rubricsOption())
    .addOption(formatOption(["text", "json"]))
    .action(async (options) =>
      (await import("./commands/rubrics.js")).runRubrics(options, program.opts()),
    );

  program
    .command("schema")
    .description(
      "print the JSON Schema of rubric, org or rubric-test files (the org schema knows every question), or of results",
    )
    .addArgument(
      new Argument("<kind>", "which file kind").choices(["rubric", "org", "test", "result"]),
    )
    .addOption(rubricsOption())
    .option("--out <file>", "write the schema to this file (atomically)")
    .action(async (kind: "rubric" | "org" | "test" | "result", options) =>
      (await import("./commands/schema.js")).runSchema(kind, options),
    );

  program
    .command("init")
    .description("write an org file template: every question with its allowed values, unanswered")
    .argument("[file]", "where to write it (standard output when omitted)")
    .option("--name <name>", "the organisation's name", "Your organisation")
    .option("--force", "overwrite the file if it exists")
    .addOption(rubricsOption())
    .action(async (file: string | undefined, options) =>
      (await import("./commands/init.js")).runInit(file, options),
    );

  program
    .command("test")
    .description("run rubric tests (RubricTest fixtures with expected outcomes) like a test runner")
    .argument("[paths...]", "test files, folders or globs (default: the built-in rubric tests)")
    .addOption(rubricsOption())
    .addOption(
      formatOption(
        ["text", "json", "junit", "github"],
        "output format (junit: XML for CI test reports; github: workflow annotations)",
      ),
    )
    .action(async (paths: string[], options) =>
      (await import("./commands/test.js")).runTests(paths, options, program.opts()),
    );

  program
    .command("diff")
    .description(
      "what changed between two assessments of one organisation (org files or JSON results)",
    )
    .argument("<old>", "the earlier org file or `rolefit assess --format json` result")
    .argument("<new>", "the later one")
    .addOption(rubricsOption())
    .addOption(formatOption(["text", "json", "markdown"]))
    .option("--out <file>", "write the comparison to this file (atomically)")
    .action(async (oldPath: string, newPath: string, options) =>
      (await import("./commands/diff.js")).runDiff(oldPath, newPath, options),
    );

  program
    .command("completion")
    .description("print a shell completion script: commands, flags, formats and question ids")
    .addArgument(new Argument("<shell>", "the shell").choices(SHELLS))
    .addOption(rubricsOption())
    .addHelpText(
      "after",
      [
        "\nExamples:",
        "  source <(rolefit completion bash)           bash, this shell only",
        "  rolefit completion zsh > ~/.zfunc/_rolefit  zsh, with ~/.zfunc in fpath",
        "  rolefit completion fish > ~/.config/fish/completions/rolefit.fish",
      ].join("\n"),
    )
    .action(async (shell: Shell, options: { rubrics: string[] }) => {
      const { completionScript } = await import("./completion.js");
      const { compiled } = await (await import("./load.js")).loadRubricSet(options.rubrics);
      process.stdout.write(completionScript(shell, program, compiled));
    });

  program
    .command("explain")
    .description(
      "show what a question or hard rule does: each answer's effect, the rule's condition, sources",
    )
    .argument(
      "<id>",
      "a question id (e.g. major_incidents_12m) or a rule id (e.g. independent-oversight)",
    )
    .addOption(rubricsOption())
    .addOption(formatOption(["text", "json"]))
    .action(async (id: string, options) =>
      (await import("./commands/explain.js")).runExplain(id, options),
    );

  return program;
}

/** Commander quotes what the user typed ('--x'): a line break in it is shown, not obeyed. */
const quotedVisible = (text: string) =>
  text.replace(/'([^']*)'/g, (_, inner: string) => `'${visible(inner)}'`);

/** Each line of a message escaped: the lines are rolefit's, the text in them may not be. */
const visibleLines = (text: string) =>
  text
    .split("\n")
    .map((line, i, all) => (i === all.length - 1 && line === "" ? line : visible(line)))
    .join("\n");

/** The one place that turns errors into messages and exit codes. */
async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    process.exitCode = exitCodeFor(error, program.opts().debug === true);
  }
}

function exitCodeFor(error: unknown, debug: boolean): number {
  if (error instanceof CommanderError) {
    // Help and version are successes that commander reports by throwing.
    return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  if (error instanceof UserError) {
    // Located problems already start with FILE:LINE:COL; other messages get the program's name.
    const plain = error.diagnostics.length > 0 || error.exitCode === EXIT.interrupted;
    const message = visibleLines(error.message);
    const text = plain ? message : message.replace(/^/gm, "rolefit: ");
    process.stderr.write(`${text}\n`);
    return error.exitCode;
  }
  const message = visible(error instanceof Error ? error.message : String(error));
  process.stderr.write(`rolefit: internal error: ${message}\n`);
  if (debug && error instanceof Error && error.stack)
    process.stderr.write(`${sourceMapped(error.stack)}\n`);
  else process.stderr.write("rolefit: run again with --debug for details, and please report it\n");
  return EXIT.input;
}

if (process.argv[2] !== BATCH_WORKER) {
  // A closed pipe (`rolefit … | head`) is the reader's choice, not an error.
  // Any other failure (a full disk behind `> file`) is one line and exit 1, never a stack trace.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
    process.stderr.write(`rolefit: cannot write to standard output: ${writeFailure(error, "-")}\n`);
    process.exit(EXIT.input);
  });
  // Not a top-level await: the bundle is CommonJS, so V8 can cache its compiled code.
  void main(process.argv);
} else {
  // A batch's worker thread (batch/pool.ts) runs the same bundle, told so by its argument: the
  // worker_threads module is left unloaded on every other start.
  void import("./batch/pool.js").then((pool) => pool.serveBatchJobs());
}
