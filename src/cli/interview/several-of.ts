import {
  createPrompt,
  isDownKey,
  isEnterKey,
  isNumberKey,
  isSpaceKey,
  isUpKey,
  makeTheme,
  useKeypress,
  usePagination,
  usePrefix,
  useState,
} from "@inquirer/core";

/** A row that is ticked: one of the question's options, or "none of these". */
interface Tick {
  kind: "option" | "none";
  name: string;
  value?: string;
  checked: boolean;
}
/** A row that acts when Enter is pressed on it: skip, keep, clear, back. Never ticked. */
interface Action {
  kind: "action";
  name: string;
  act: string;
}
type Row = Tick | Action | { kind: "gap" };

export interface SeveralOfConfig {
  message: string;
  options: ReadonlyArray<{ name: string; value: string; checked: boolean }>;
  none: { name: string; checked: boolean };
  /** Below the options; `act` is what the prompt returns when one is chosen. */
  actions: ReadonlyArray<{ name: string; act: string }>;
  pageSize?: number;
}

export type SeveralOfResult =
  | { kind: "options"; values: string[] }
  | { kind: "none" }
  | { kind: "action"; act: string };

const HIDE_CURSOR = "\u001b[?25l";

/**
 * A several-of question as a list: options are ticked with space, "None of these" is ticked on
 * its own, and skip, back and the like are actions below them, taken with Enter, never ticked —
 * so no key can select an action together with options. Number keys tick the nth option.
 */
export const severalOf = createPrompt(
  (config: SeveralOfConfig, done: (result: SeveralOfResult) => void): string => {
    const theme = makeTheme({});
    const [status, setStatus] = useState("idle");
    const prefix = usePrefix({ status, theme });
    const [rows, setRows] = useState<Row[]>([
      ...config.options.map((option) => ({ kind: "option" as const, ...option })),
      { kind: "none", ...config.none },
      { kind: "gap" },
      ...config.actions.map((action) => ({ kind: "action" as const, ...action })),
    ]);
    const [active, setActive] = useState(0);
    const [error, setError] = useState<string | undefined>();
    const [answer, setAnswer] = useState("");
    const ticks = rows.filter((row): row is Tick => row.kind !== "action" && row.kind !== "gap");

    const finish = (result: SeveralOfResult, shown: string) => {
      setAnswer(shown);
      setStatus("done");
      done(result);
    };
    const toggle = (index: number) => {
      const target = rows[index];
      if (!target || (target.kind !== "option" && target.kind !== "none")) return;
      const checked = !target.checked;
      setError(undefined);
      setRows(
        rows.map((row, i) => {
          if (i === index) return { ...target, checked };
          // "None of these" and the options exclude each other.
          if (checked && row.kind !== target.kind && (row.kind === "option" || row.kind === "none"))
            return { ...row, checked: false };
          return row;
        }),
      );
    };

    useKeypress((key) => {
      if (status === "done") return;
      if (isEnterKey(key)) {
        const row = rows[active];
        if (row?.kind === "action") return finish({ kind: "action", act: row.act }, row.name);
        const none = ticks.find((tick) => tick.kind === "none");
        if (none?.checked) return finish({ kind: "none" }, none.name);
        const chosen = ticks.filter((tick) => tick.kind === "option" && tick.checked);
        if (chosen.length === 0)
          return setError(`Select options with space, or “${config.none.name}”.`);
        return finish(
          { kind: "options", values: chosen.map((tick) => tick.value as string) },
          chosen.map((tick) => tick.name).join(", "),
        );
      }
      if (isUpKey(key) || isDownKey(key)) {
        const step = isUpKey(key) ? -1 : 1;
        let next = active + step;
        while (rows[next]?.kind === "gap") next += step;
        if (next >= 0 && next < rows.length) setActive(next);
        return;
      }
      if (isSpaceKey(key)) return toggle(active);
      if (isNumberKey(key)) {
        const index = Number(key.name) - 1;
        if (index >= 0 && index < config.options.length) {
          setActive(index);
          toggle(index);
        }
      }
    });

    const message = theme.style.message(config.message, status as "idle" | "done");
    if (status === "done") return `${prefix} ${message} ${theme.style.answer(answer)}`;
    const page = usePagination({
      items: rows,
      active,
      pageSize: config.pageSize ?? 12,
      loop: false,
      renderItem: ({ item, isActive }) => {
        if (item.kind === "gap") return " ";
        const cursor = isActive ? "❯" : " ";
        const box = item.kind === "action" ? " " : item.checked ? "◉" : "◯";
        const line = `${cursor}${box} ${item.name}`;
        return isActive ? theme.style.highlight(line) : line;
      },
    });
    const onAction = rows[active]?.kind === "action";
    const help = onAction
      ? "↑↓ navigate • ⏎ choose this"
      : "↑↓ navigate • space select • ⏎ confirm";
    return (
      [`${prefix} ${message}`, page, " ", ...(error ? [theme.style.error(error)] : []), help].join(
        "\n",
      ) + HIDE_CURSOR
    );
  },
);
