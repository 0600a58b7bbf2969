import { describe, expect, it } from "vitest";
import { answerChoices } from "../../src/engine/grounds.js";
import { describeCondition } from "../../src/narrate/conditions.js";
import { describeAnswer, reasonText, wordingOf } from "../../src/narrate/wording.js";
import { conditionHolds, questionsTestedBy } from "../../src/rubric/conditions.js";
import type {
  Answers,
  AnswerValue,
  Condition,
  Question,
  ReasonText,
} from "../../src/rubric/schema.js";
import { builtIn, builtInCompiled } from "../helpers/rubrics.js";

/*
 * Every text the built-in rubrics can put in a result, each variant with the answers that select
 * it, written to one file a reviewer reads (test/rubric/__snapshots__/texts.md). A change to any
 * text shows up there in review; a variant no answers can select fails here.
 */

/** Some answers under which a condition holds (or, with `wanted` false, does not), if any. */
function witness(condition: Condition, wanted: boolean, base: Answers): Answers | undefined {
  const ids = questionsTestedBy(condition);
  const search = (index: number, answers: Record<string, AnswerValue>): Answers | undefined => {
    if (index === ids.length)
      return conditionHolds(condition, answers) === wanted ? answers : undefined;
    const id = ids[index] as string;
    if (base[id] !== undefined) return search(index + 1, answers);
    const question = builtInCompiled.byId.get(id)?.question;
    for (const value of question ? answerChoices(question) : []) {
      const found = search(index + 1, { ...answers, [id]: value });
      if (found) return found;
    }
    return search(index + 1, answers);
  };
  return search(0, { ...base });
}

interface Listed {
  where: string;
  /** The answers that select this text, in words. */
  when: string;
  text: string;
  /** The variant's own test, if it has one. */
  condition?: Condition;
}

const wording = wordingOf(builtInCompiled);

/** Each variant of a reason, with the answers that select it; checked to be selectable. */
function variantsOf(where: string, own: Answers, reason: ReasonText): Listed[] {
  if (typeof reason === "string") return [{ where, when: "always", text: reason }];
  const listed: Listed[] = [];
  const earlier: Condition[] = [];
  for (const variant of reason) {
    // A variant is said when its own test holds and no earlier variant's does.
    const test: Condition = {
      all: [
        ...(variant.when ? [variant.when] : []),
        ...earlier.map((condition) => ({ not: condition })),
      ],
    };
    const chosen = test.all.length > 0 ? witness(test, true, own) : own;
    expect(chosen, `${where}: no answers select “${variant.text}”`).toBeDefined();
    expect(reasonText(reason, chosen as Answers)).toBe(variant.text);
    listed.push({
      where,
      when: variant.when ? describeCondition(variant.when, wording) : "otherwise",
      text: variant.text,
      ...(variant.when ? { condition: variant.when } : {}),
    });
    if (variant.when) earlier.push(variant.when);
  }
  return listed;
}

function answerTexts(question: Question): Listed[] {
  const at = (value: AnswerValue) =>
    `${question.label ?? question.id} = ${describeAnswer(question, value, true)}`;
  switch (question.type) {
    case "multi":
      return [
        ...question.options.map((o) =>
          variantsOf(at([o.value]), { [question.id]: [o.value] }, o.reason),
        ),
        ...(question.none ? [variantsOf(at([]), { [question.id]: [] }, question.none.reason)] : []),
      ].flat();
    case "integer":
    case "percent":
      return question.bands.flatMap((band) =>
        variantsOf(at(band.from), { [question.id]: band.from }, band.reason),
      );
    default:
      return question.answers.flatMap((a) =>
        variantsOf(at(a.value), { [question.id]: a.value }, a.reason),
      );
  }
}

function listing(): string {
  const lines = ["# Every text the built-in rubrics can produce", ""];
  for (const { rubric } of builtIn) {
    lines.push(`## ${rubric.title}`, "");
    for (const question of rubric.questions) {
      if (question.appliesWhen)
        lines.push(
          `### ${question.label ?? question.id} (only when ${describeCondition(question.appliesWhen, wording)})`,
        );
      else lines.push(`### ${question.label ?? question.id}`);
      for (const entry of answerTexts(question))
        lines.push(`- ${entry.where} — ${entry.when}: ${entry.text}`);
      lines.push("");
    }
    for (const rule of rubric.rules) {
      const kind =
        rule.effect === "condition"
          ? `${rule.outcome} only with ${rule.mechanism}`
          : `${rule.effect}s ${rule.outcome}`;
      lines.push(
        `- rule “${rule.title ?? rule.id}” (${kind}) — when ${describeCondition(rule.when, wording)}: ${rule.reason}`,
      );
    }
    lines.push("");
  }
  return `${lines.join("\n").trimEnd()}\n`;
}

describe("the built-in rubrics' texts", () => {
  it("lists every text in every variant with the answers that select it", async () => {
    await expect(listing()).toMatchFileSnapshot("__snapshots__/texts.md");
  });

  it("never asserts two executives where one leads, nor a supervisor where none inspects", () => {
    const oneLeader = ["combined", "cto_only", "cio_only", "neither"];
    for (const { rubric } of builtIn) {
      for (const question of rubric.questions) {
        for (const entry of answerTexts(question)) {
          if (/supervisor/i.test(entry.text)) {
            // Only where a supervisor inspects: heavy regulation, by answer or by variant.
            const heavy =
              (question.id === "regulatory_complexity" && /= (High|Extreme)/.test(entry.where)) ||
              (entry.condition !== undefined &&
                ["none", "low", "moderate"].every(
                  (level) =>
                    !conditionHolds(entry.condition as Condition, {
                      regulatory_complexity: level,
                    }),
                ));
            expect(heavy, `${entry.where}: ${entry.text}`).toBe(true);
          }
          const twoAssumed = /\b(the two (technology )?leaders|both leaders|the two executives)\b/i;
          if (!twoAssumed.test(entry.text)) continue;
          // Said only where the question applies to two leaders, or under a variant that says so.
          const twoOnly = (condition: Condition | undefined) =>
            condition !== undefined &&
            oneLeader.every(
              (structure) => !conditionHolds(condition, { current_structure: structure }),
            );
          expect(
            twoOnly(question.appliesWhen) || twoOnly(entry.condition),
            `${entry.where}: ${entry.text}`,
          ).toBe(true);
        }
      }
    }
  });
});
