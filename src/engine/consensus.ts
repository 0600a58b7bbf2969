import type { Outcome } from "../rubric/outcomes.js";
import { allowedValues, bandFor } from "../rubric/question.js";
import type { Answers, AnswerValue, Question } from "../rubric/schema.js";
import type { CompiledRubrics } from "./compile.js";
import { evaluate, lowerConfidence, recommendationFor } from "./evaluate.js";
import type { DisagreementFact, Evaluation, Provenance } from "./facts.js";
import { decide, scoreAnswers } from "./score.js";
import { WhatIf } from "./what-if.js";

interface Respondent {
  name: string;
  role?: string;
  answers: Answers;
}

/** Equal for answers that score alike: the same value, or the same band for numbers. */
function sameAnswer(question: Question, a: AnswerValue, b: AnswerValue): boolean {
  if (question.type === "integer" || question.type === "percent")
    return bandFor(question, a as number) === bandFor(question, b as number);
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The room's answer to one question: the most common for choices (a tie goes to the tied value
 * nearest the middle of everyone's answers, then to the earlier option), the median for numbers
 * (the mean of the middle two, rounded for whole numbers), and for several-of questions each
 * option the majority picked. Questions nobody answered stay unanswered.
 */
export function consensusAnswer(
  question: Question,
  given: readonly AnswerValue[],
): AnswerValue | undefined {
  if (given.length === 0) return undefined;
  switch (question.type) {
    case "integer":
    case "percent": {
      const sorted = (given as number[]).slice().sort((a, b) => a - b);
      const middle = sorted.length / 2;
      const median =
        sorted.length % 2 === 1
          ? (sorted[Math.floor(middle)] as number)
          : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
      return question.type === "integer" ? Math.round(median) : median;
    }
    case "multi":
      return question.options
        .map((o) => o.value)
        .filter(
          (option) =>
            given.filter((list) => (list as string[]).includes(option)).length * 2 > given.length,
        );
    default: {
      const order = allowedValues(question);
      const counts = new Map<AnswerValue, number>();
      for (const value of given) counts.set(value, (counts.get(value) ?? 0) + 1);
      const top = Math.max(...counts.values());
      const tied = order.filter((value) => counts.get(value) === top);
      const positions = given
        .map((value) => order.indexOf(value as string | number | boolean))
        .sort((a, b) => a - b);
      const centre =
        ((positions[Math.floor((positions.length - 1) / 2)] as number) +
          (positions[Math.ceil((positions.length - 1) / 2)] as number)) /
        2;
      return tied.reduce((best, value) =>
        Math.abs(order.indexOf(value) - centre) < Math.abs(order.indexOf(best) - centre)
          ? value
          : best,
      );
    }
  }
}

/** Consensus answers for the room, and per question how far the room is apart and whether it matters. */
export function combineRespondents(
  compiled: CompiledRubrics,
  respondents: readonly Respondent[],
  recommendation: (answers: Answers) => Outcome,
) {
  const consensus: Record<string, AnswerValue> = Object.create(null);
  for (const { question } of compiled.questions) {
    const given = respondents
      .map((r) => r.answers[question.id])
      .filter((v): v is AnswerValue => v !== undefined);
    const value = consensusAnswer(question, given);
    if (value !== undefined) consensus[question.id] = value;
  }
  const current = recommendation(consensus);
  const w = new WhatIf(compiled, consensus);
  const disagreement: DisagreementFact[] = [];
  for (const { question } of compiled.questions) {
    const agreed = consensus[question.id];
    const answered = respondents.filter((r) => r.answers[question.id] !== undefined);
    if (answered.length === 0 || agreed === undefined) continue;
    const differing = answered.filter(
      (r) => !sameAnswer(question, r.answers[question.id] as AnswerValue, agreed),
    );
    if (differing.length === 0) continue;
    disagreement.push({
      questionId: question.id,
      answers: Object.fromEntries(respondents.map((r) => [r.name, r.answers[question.id] ?? null])),
      spread: Math.round((differing.length / answered.length) * 100) / 100,
      couldFlip: differing.some(
        (r) =>
          w.evaluate([[question.id, r.answers[question.id]]]).decision.recommendation !== current,
      ),
    });
  }
  disagreement.sort((a, b) => Number(b.couldFlip) - Number(a.couldFlip) || b.spread - a.spread);
  return { consensus: consensus as Answers, disagreement };
}

export interface RoomInput {
  organization: string;
  source: string | null;
  respondents: readonly Respondent[];
  provenance?: Provenance;
}

/**
 * Several people's answers for one organisation: the assessment of the room's consensus, with
 * each respondent's own recommendation and where they disagree. When one person's answer could
 * change the result, confidence drops a level.
 */
export function evaluateRoom(compiled: CompiledRubrics, input: RoomInput): Evaluation {
  const recommend = (answers: Answers) =>
    decide(compiled, answers, scoreAnswers(compiled, answers).scores).recommendation;
  const { consensus, disagreement } = combineRespondents(compiled, input.respondents, recommend);
  const result = evaluate(compiled, {
    organization: input.organization,
    source: input.source,
    answers: consensus,
    ...(input.provenance ? { provenance: input.provenance } : {}),
  });
  const roomCouldFlip = disagreement.some((entry) => entry.couldFlip);
  return {
    ...result,
    confidence: roomCouldFlip ? lowerConfidence(result.confidence) : result.confidence,
    confidenceFactors: { ...result.confidenceFactors, roomCouldFlip },
    respondents: input.respondents.map((r) => ({
      name: r.name,
      role: r.role ?? null,
      recommendation: recommendationFor(compiled, r.answers),
    })),
    disagreement,
  };
}
