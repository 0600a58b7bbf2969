import {
  createPrompt,
  isBackspaceKey,
  isEnterKey,
  isTabKey,
  makeTheme,
  useKeypress,
  usePrefix,
  useState,
} from "@inquirer/core";

export interface NumberInputConfig {
  message: string;
  /** The current answer: Enter on an empty line takes it, Tab puts it on the line to edit. */
  default?: string | undefined;
  /** On Enter: true, or what is wrong. */
  validate(text: string): true | string;
  /** While typing: what is already wrong, beyond mending by typing more; undefined otherwise. */
  problem(text: string): string | undefined;
}

/**
 * A line prompt for numbers that checks as it is typed: a problem more typing cannot mend
 * ("1,2x0") shows under the line at once, before Enter; Enter refuses what `validate` refuses.
 */
export const numberInput = createPrompt(
  (config: NumberInputConfig, done: (text: string) => void) => {
    const theme = makeTheme({});
    const [status, setStatus] = useState("idle");
    const [fallback = "", setFallback] = useState(config.default);
    const [error, setError] = useState<string | undefined>();
    const [value, setValue] = useState("");
    const prefix = usePrefix({ status, theme });

    useKeypress((key, rl) => {
      if (status !== "idle") return;
      if (isEnterKey(key)) {
        const answer = value || fallback;
        const checked = config.validate(answer);
        if (checked === true) {
          setValue(answer);
          setStatus("done");
          done(answer);
        } else {
          // Enter empties readline's line: put the text back to be mended, not retyped.
          rl.write(value);
          setError(checked);
        }
      } else if (isBackspaceKey(key) && !value) {
        setFallback(undefined);
      } else if (isTabKey(key) && !value) {
        setFallback(undefined);
        rl.clearLine(0);
        rl.write(fallback);
        setValue(fallback);
      } else {
        setValue(rl.line);
        setError(undefined);
      }
    });

    const message = theme.style.message(config.message, status as "idle" | "done");
    if (status === "done") return `${prefix} ${message} ${theme.style.answer(value)}`;
    const shownDefault = fallback && !value ? ` ${theme.style.defaultAnswer(fallback)}` : "";
    const problem = error ?? config.problem(value);
    return [
      `${prefix} ${message}${shownDefault} ${value}`,
      problem ? theme.style.error(problem) : "",
    ];
  },
);
