import type { CompiledRubrics } from "../engine/compile.js";
import type { Settlement } from "../engine/settled.js";
import { OUTCOMES } from "../rubric/outcomes.js";
import { joinWords, ruleTitle } from "./wording.js";

/** A lead in score points, with enough digits to be seen above zero. */
const points = (lead: number): string => (lead >= 0.1 ? lead.toFixed(1) : lead.toPrecision(1));

/**
 * How the engine proved an adaptive interview's verdict, in words: "Verdict settled after 14 of
 * 28 questions: combine." and the proof, by the hard rules or by the least lead in scores.
 */
export function settledStatement(
  compiled: CompiledRubrics,
  settlement: Extract<Settlement, { settled: true }>,
  counts: { asked: number; questions: number },
): { headline: string; proof: string } {
  const left = counts.questions - counts.asked;
  const open = `the ${left} open question${left === 1 ? "" : "s"}`;
  const { recommendation } = settlement;
  const headline = `Verdict settled after ${counts.asked} of ${counts.questions} questions: ${recommendation}.`;
  if (settlement.by === "rules") {
    const rules = joinWords(settlement.rules.map((id) => `“${ruleTitle(compiled, id)}”`));
    const proof = `Proved by the engine: the hard rule${settlement.rules.length === 1 ? "" : "s"} ${rules} decide${settlement.rules.length === 1 ? "s" : ""} it on the answers given, and no rule that ${open} could still set off leaves another structure open.`;
    return { headline, proof };
  }
  const leads = joinWords(
    settlement.leads.map(
      ({ rival, atLeast }, i) => `${points(atLeast)}${i === 0 ? " points" : ""} ahead of ${rival}`,
    ),
  );
  const proof = `Proved by the engine: however ${open} are answered, or left unanswered, ${recommendation} stays at least ${leads}, counting each family at its cap and each precondition at its least favourable, and no hard rule they could set off rules it out.${ruledOut(compiled, settlement)}`;
  return { headline, proof };
}

/** The rivals the rules that fire keep out whatever the open questions say, and by which rules. */
function ruledOut(
  compiled: CompiledRubrics,
  settlement: Extract<Settlement, { settled: true }>,
): string {
  const { recommendation, leads } = settlement;
  const out = OUTCOMES.filter(
    (outcome) => outcome !== recommendation && !leads.some((lead) => lead.rival === outcome),
  );
  const sentences = out.map((outcome) => {
    const by = compiled.rules.filter(
      (rule) =>
        settlement.rules.includes(rule.id) &&
        (rule.effect === "forbid" ? rule.outcome === outcome : rule.outcome !== outcome),
    );
    return `${outcome} stays ruled out by ${joinWords(by.map((rule) => `“${ruleTitle(compiled, rule.id)}”`))}`;
  });
  return sentences.length > 0 ? ` ${capitalise(joinWords(sentences))}.` : "";
}

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
