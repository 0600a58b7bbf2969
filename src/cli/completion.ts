/**
 * Shell completion scripts, generated from the command tree itself, so a new command or flag is
 * completed without anyone remembering to add it here. The rubric set supplies the question ids
 * (for `--set` and `explain`), each choice question's values (after `--set id=`) and the rule ids.
 */
import type { Command, Option } from "commander";
import type { CompiledRubrics } from "../engine/compile.js";
import { allowedValues } from "../rubric/question.js";

export const SHELLS = ["bash", "zsh", "fish"] as const;
export type Shell = (typeof SHELLS)[number];

/** What may follow a flag, or stand as a command's argument. */
type Completes =
  | { kind: "words"; words: readonly string[]; files?: boolean }
  | { kind: "files" }
  | { kind: "answers" }
  | { kind: "ids" }
  | { kind: "nothing" };

interface FlagSpec {
  names: string[];
  description: string;
  value?: Completes;
}

interface CommandSpec {
  /** "" for the program itself, "assess", or "rubric diff". */
  key: string;
  flags: FlagSpec[];
  subcommands: { name: string; description: string }[];
  argument?: Completes;
}

/** Flags whose value is free text (a name, an address, a number), never a path. */
const FREE_TEXT_FLAGS = new Set([
  "--respondent",
  "--prepared-for",
  "--prepared-by",
  "--name",
  "--host",
  "--port",
  "--max-file-size",
  "--jobs",
]);

const HELP: FlagSpec = { names: ["-h", "--help"], description: "show help" };

function flagValue(option: Option): Completes | undefined {
  if (!option.required && !option.optional) return undefined;
  if (option.argChoices) return { kind: "words", words: option.argChoices };
  if (option.long === "--set") return { kind: "answers" };
  if (option.long === "--columns") return { kind: "words", words: ["summary", "full"] };
  if (option.long && FREE_TEXT_FLAGS.has(option.long)) return { kind: "nothing" };
  return { kind: "files" };
}

function argumentCompletes(command: Command): Completes | undefined {
  const first = command.registeredArguments[0];
  if (!first) return undefined;
  if (first.argChoices) return { kind: "words", words: first.argChoices };
  if (command.name() === "explain") return { kind: "ids" };
  // `rubric diff` compares rubric sets: the built-in one by name, or a folder.
  if (first.description.includes("builtin"))
    return { kind: "words", words: ["builtin"], files: true };
  return { kind: "files" };
}

function commandSpecs(command: Command, key: string): CommandSpec[] {
  const flags: FlagSpec[] = command.options
    .filter((option) => !option.hidden)
    .map((option) => ({
      names: [option.short, option.long].filter((name): name is string => name !== undefined),
      description: option.description,
      value: flagValue(option),
    }));
  const visible = command.commands.filter((sub) => sub.name() !== "help");
  const spec: CommandSpec = {
    key,
    flags: [...flags, HELP],
    subcommands: visible.map((sub) => ({ name: sub.name(), description: sub.description() })),
    argument: argumentCompletes(command),
  };
  return [
    spec,
    ...visible.flatMap((sub) => commandSpecs(sub, key ? `${key} ${sub.name()}` : sub.name())),
  ];
}

interface Vocabulary {
  questions: string[];
  rules: string[];
  /** Per question with a fixed set of answers, its values as typed after `--set id=`. */
  values: [string, string[]][];
}

function vocabulary(compiled: CompiledRubrics): Vocabulary {
  const values: [string, string[]][] = [];
  for (const { question } of compiled.questions) {
    if (question.type === "integer" || question.type === "percent") continue;
    const allowed = allowedValues(question).map(String);
    values.push([question.id, question.type === "multi" ? ["[]", ...allowed] : allowed]);
  }
  return {
    questions: [...compiled.byId.keys()],
    rules: [...compiled.rules, ...compiled.conditions].map((rule) => rule.id),
    values,
  };
}

/** Single-quoted for a POSIX shell or fish: nothing inside is expanded. */
const quoted = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;
const fishQuoted = (text: string) => `'${text.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
const oneLine = (text: string) => text.replace(/\s+/g, " ").trim();

/** The flags that take a value, across every command: their values are not commands. */
const valueFlags = (specs: CommandSpec[]) => [
  ...new Set(
    specs.flatMap((spec) => spec.flags.filter((flag) => flag.value).flatMap((flag) => flag.names)),
  ),
];

/** Shell code (bash and zsh agree on it) that sets `key` to the command path typed so far. */
function commandKeyScan(specs: CommandSpec[], words: string, first: number, last: string): string {
  const parents = specs.filter((spec) => spec.key && spec.subcommands.length > 0);
  return [
    `  local key="" skip="" i w`,
    `  for ((i=${first}; i<${last}; i++)); do`,
    `    w="${words}[i]}"`,
    // bash splits --flag=value into three words: the "=" keeps the value skipped.
    `    if [[ -n $skip ]]; then [[ $w == "=" ]] || skip=""; continue; fi`,
    `    case "$w" in`,
    `      ${valueFlags(specs).join("|")}) skip=1 ;;`,
    "      -*) ;;",
    `      *) if [[ -z $key ]]; then key="$w"; ${parents
      .map((spec) => `elif [[ $key == ${quoted(spec.key)} ]]; then key="$key $w"; `)
      .join("")}fi ;;`,
    "    esac",
    "  done",
  ].join("\n");
}

/**
 * The `case "$key:$prev"` branches of bash and zsh: for each command's flag that takes a value,
 * what completes that value, then `return`.
 */
function valueCases(specs: CommandSpec[], candidates: (completes: Completes) => string) {
  return specs.flatMap((spec) =>
    spec.flags.flatMap((flag) =>
      flag.value
        ? [
            `    ${quoted(spec.key)}:${flag.names.join(`|${quoted(spec.key)}:`)}) ${candidates(flag.value)}; return ;;`,
          ]
        : [],
    ),
  );
}

/**
 * The body bash and zsh share: find the command typed so far, then complete a flag's value, or
 * the command's flags, subcommands or argument.
 */
function dispatch(
  specs: CommandSpec[],
  [words, first, last]: [string, number, string],
  flagCases: string[],
  commandCases: string[],
): string {
  return `${commandKeyScan(specs, words, first, last)}
  case "$key:$prev" in
${flagCases.join("\n")}
  esac
  case "$key" in
${commandCases.join("\n")}
  esac`;
}

function bashScript(specs: CommandSpec[], words: Vocabulary): string {
  const candidates = (completes: Completes): string => {
    switch (completes.kind) {
      case "words":
        return `COMPREPLY=($(compgen -W ${quoted(completes.words.join(" "))} -- "$cur"))${
          completes.files ? `; COMPREPLY+=($(compgen -f -- "$cur")); compopt -o filenames` : ""
        }`;
      case "files":
        return `COMPREPLY=($(compgen -f -- "$cur")); compopt -o filenames`;
      case "answers":
        return `COMPREPLY=($(compgen -W "$_rolefit_questions" -S = -- "$cur")); compopt -o nospace`;
      case "ids":
        return `COMPREPLY=($(compgen -W "$_rolefit_questions $_rolefit_rules" -- "$cur"))`;
      case "nothing":
        return "COMPREPLY=()";
    }
  };
  const flagCases = valueCases(specs, candidates);
  const commandCases = specs.map((spec) => {
    const flags = spec.flags.flatMap((flag) => flag.names).join(" ");
    const rest = spec.subcommands.length
      ? `COMPREPLY=($(compgen -W ${quoted(spec.subcommands.map((sub) => sub.name).join(" "))} -- "$cur"))`
      : spec.argument
        ? candidates(spec.argument)
        : "COMPREPLY=()";
    return `    ${quoted(spec.key)}) if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W ${quoted(flags)} -- "$cur")); else ${rest}; fi ;;`;
  });
  const answerCases = words.values.map(
    ([id, values]) => `    ${quoted(id)}) values=${quoted(values.join(" "))} ;;`,
  );
  return `# bash completion for rolefit.
# Try it: source <(rolefit completion bash)
# Keep it: rolefit completion bash > ~/.local/share/bash-completion/completions/rolefit
_rolefit_questions=${quoted(words.questions.join(" "))}
_rolefit_rules=${quoted(words.rules.join(" "))}

_rolefit_values() {
  local values=""
  case "$1" in
${answerCases.join("\n")}
  esac
  COMPREPLY=($(compgen -W "$values" -- "$cur"))
}

_rolefit() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}"
  # bash splits --flag=value and --set id=value at "=".
  if [[ $cur == "=" ]]; then
    cur=""
    if [[ \${COMP_WORDS[COMP_CWORD-2]} == --set ]]; then _rolefit_values "$prev"; return; fi
  elif [[ $prev == "=" ]]; then
    if [[ \${COMP_WORDS[COMP_CWORD-3]} == --set ]]; then _rolefit_values "\${COMP_WORDS[COMP_CWORD-2]}"; return; fi
    prev="\${COMP_WORDS[COMP_CWORD-2]}"
  fi
${dispatch(specs, ["${COMP_WORDS", 1, "COMP_CWORD"], flagCases, commandCases)}
}
complete -F _rolefit rolefit
`;
}

function zshScript(specs: CommandSpec[], words: Vocabulary): string {
  const described = (items: { name: string; description: string }[]) =>
    items.map((item) => quoted(`${item.name}:${oneLine(item.description).replace(/:/g, "\\:")}`));
  const candidates = (completes: Completes): string => {
    switch (completes.kind) {
      case "words":
        return `compadd -- ${completes.words.map(quoted).join(" ")}${completes.files ? "; _files" : ""}`;
      case "files":
        return "_files";
      case "answers":
        return "_rolefit_answer";
      case "ids":
        return "compadd -- $_rolefit_questions $_rolefit_rules";
      case "nothing":
        return "_message 'a value'";
    }
  };
  const flagCases = valueCases(specs, candidates);
  const commandCases = specs.map((spec) => {
    const flags = spec.flags.flatMap((flag) =>
      flag.names.map((name) => ({ name, description: flag.description })),
    );
    const rest = spec.subcommands.length
      ? `local -a commands; commands=(${described(spec.subcommands).join(" ")}); _describe command commands`
      : spec.argument
        ? candidates(spec.argument)
        : ":";
    return `    ${quoted(spec.key)}) if [[ $cur == -* ]]; then local -a flags; flags=(${described(flags).join(" ")}); _describe option flags; else ${rest}; fi ;;`;
  });
  const answerCases = words.values.map(
    ([id, values]) => `    ${quoted(id)}) values=(${values.map(quoted).join(" ")}) ;;`,
  );
  return `#compdef rolefit
# zsh completion for rolefit.
# Try it: source <(rolefit completion zsh)
# Keep it: rolefit completion zsh > "\${fpath[1]}/_rolefit"
_rolefit_questions=(${words.questions.map(quoted).join(" ")})
_rolefit_rules=(${words.rules.map(quoted).join(" ")})

_rolefit_answer() {
  if [[ $PREFIX == *=* ]]; then
    local id="\${PREFIX%%=*}" values=()
    case "$id" in
${answerCases.join("\n")}
    esac
    compset -P '*='
    compadd -- $values
  else
    compadd -S = -- $_rolefit_questions
  fi
}

_rolefit() {
  local cur="\${words[CURRENT]}" prev="\${words[CURRENT-1]}"
  if [[ $cur == --*=* ]]; then
    prev="\${cur%%=*}"
    compset -P '*='
    cur="\${cur#*=}"
  fi
${dispatch(specs, ["${words", 2, "CURRENT"], flagCases, commandCases)}
}

if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
  _rolefit "$@"
else
  compdef _rolefit rolefit
fi
`;
}

function fishScript(specs: CommandSpec[], words: Vocabulary): string {
  const lines = [
    "# fish completion for rolefit.",
    "# Try it: rolefit completion fish | source",
    "# Keep it: rolefit completion fish > ~/.config/fish/completions/rolefit.fish",
    "",
    "# The command path typed so far: '', 'assess', 'rubric diff'.",
    "function __rolefit_command",
    "    set -l words (commandline -opc)",
    "    set -l key",
    "    set -l skip 0",
    "    for w in $words[2..-1]",
    "        if test $skip = 1",
    "            set skip 0",
    "            continue",
    "        end",
    "        switch $w",
    `            case ${valueFlags(specs).join(" ")}`,
    "                set skip 1",
    "            case '-*'",
    "            case '*'",
    '                if test -z "$key"',
    "                    set key $w",
    ...specs
      .filter((spec) => spec.key && spec.subcommands.length > 0)
      .flatMap((spec) => [
        `                else if test "$key" = ${fishQuoted(spec.key)}`,
        `                    set key "$key $w"`,
      ]),
    "                end",
    "        end",
    "    end",
    "    echo $key",
    "end",
    "",
    "function __rolefit_is",
    '    test (__rolefit_command) = "$argv[1]"',
    "end",
    "",
    "# --set takes id=value: the ids, then the values of the id typed.",
    "function __rolefit_answers",
    "    set -l token (commandline -ct)",
    "    if string match -q '*=*' -- $token",
    "        set -l id (string split -m1 = -- $token)[1]",
    "        switch $id",
    ...words.values.flatMap(([id, values]) => [
      `            case ${fishQuoted(id)}`,
      `                printf '%s\\n' ${values.map((value) => fishQuoted(`${id}=${value}`)).join(" ")}`,
    ]),
    "        end",
    "    else",
    `        printf '%s=\\n' ${words.questions.map(fishQuoted).join(" ")}`,
    "    end",
    "end",
    "",
    "complete -c rolefit -f",
  ];
  /** A flag's value (`forFlag`) or a command's argument: fish needs -r/-x for the former. */
  const fishArguments = (completes: Completes, forFlag: boolean): string => {
    const noFiles = forFlag ? "-x" : "";
    const files = forFlag ? "-r -F" : "-F";
    switch (completes.kind) {
      case "words":
        return `${completes.files ? files : noFiles} -a ${fishQuoted(completes.words.join(" "))}`;
      case "files":
        return files;
      case "answers":
        return `${noFiles} -a '(__rolefit_answers)'`;
      case "ids":
        return `${noFiles} -a ${fishQuoted([...words.questions, ...words.rules].join(" "))}`;
      case "nothing":
        return noFiles;
    }
  };
  for (const spec of specs) {
    const when = `-n ${fishQuoted(`__rolefit_is '${spec.key}'`)}`;
    for (const sub of spec.subcommands)
      lines.push(
        `complete -c rolefit ${when} -a ${fishQuoted(sub.name)} -d ${fishQuoted(oneLine(sub.description))}`,
      );
    if (spec.argument)
      lines.push(`complete -c rolefit ${when} ${fishArguments(spec.argument, false).trim()}`);
    for (const flag of spec.flags) {
      const names = flag.names
        .map((name) => (name.startsWith("--") ? `-l ${name.slice(2)}` : `-s ${name.slice(1)}`))
        .join(" ");
      const value = flag.value ? ` ${fishArguments(flag.value, true)}` : "";
      lines.push(
        `complete -c rolefit ${when} ${names}${value} -d ${fishQuoted(oneLine(flag.description))}`,
      );
    }
  }
  return `${lines.join("\n")}\n`;
}

/** The completion script for `shell`, from the program's commands and the rubric set's ids. */
export function completionScript(shell: Shell, program: Command, compiled: CompiledRubrics) {
  const specs = commandSpecs(program, "");
  const words = vocabulary(compiled);
  if (shell === "bash") return bashScript(specs, words);
  if (shell === "zsh") return zshScript(specs, words);
  return fishScript(specs, words);
}
