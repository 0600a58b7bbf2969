import { keyed } from "../cache/memo.js";
import type { CompiledRubrics } from "../engine/compile.js";
import type {
  ChangeFact,
  ConditionFact,
  Evaluation,
  FiredRuleFact,
  MechanismFact,
  PairFact,
  ReasonFact,
  WatchFact,
} from "../engine/facts.js";
import { applicableAnswers } from "../engine/score.js";
import {
  type AnswerChange,
  type Assessment,
  type ChangePair,
  type FiredRule,
  type MechanismAdvice,
  type Reason,
  type RecommendationCondition,
  type RuleWatch,
  SCHEMA_VERSION,
} from "../result/assessment.js";
import type { Outcome } from "../rubric/outcomes.js";
import type { Answers, Mechanism, Rule } from "../rubric/schema.js";
import { describeCondition } from "./conditions.js";
import { becomes, conflictStatement, describeChange, undecidedStatement } from "./statements.js";
import { answerEffect, reasonText, rulesById, ruleTitle, wordingOf } from "./wording.js";

function reasonOf(compiled: CompiledRubrics, fact: ReasonFact, counting: Answers): Reason {
  const question = compiled.byId.get(fact.questionId)?.question;
  const { label, reason } = question
    ? answerEffect(question, fact.answer)
    : { label: String(fact.answer), reason: "" };
  return {
    questionId: fact.questionId,
    answer: fact.answer,
    answerLabel: label,
    outcome: fact.outcome,
    contribution: fact.contribution,
    text: reasonText(reason, counting),
  };
}

/*
 * Fired rules and mechanism advice read the same for every organisation they apply to, so each
 * is made once and shared (frozen): a batch then allocates less, and writers reuse their JSON.
 */
function firedRuleOf(compiled: CompiledRubrics, fact: FiredRuleFact, answers: Answers): FiredRule {
  const rule = rulesById(compiled).get(fact.id);
  if (!rule) throw new Error(`the engine named a rule the rubrics lack: ${fact.id}`);
  // Numbers are described by the threshold they passed, so there are few variants per rule.
  const because = describeCondition(rule.when, wordingOf(compiled), answers);
  const { effect } = rule;
  if (effect === "condition")
    throw new Error(`the engine named a condition as a hard rule: ${fact.id}`);
  const views = firedViews(rule);
  let view = views.get(because);
  if (!view) {
    const { id, outcome, reason } = rule;
    view = Object.freeze({ id, title: ruleTitle(compiled, id), effect, outcome, reason, because });
    views.set(because, view);
  }
  return view;
}

const firedViews = keyed("fired-rule views", (_: Rule) => new Map<string, FiredRule>());

/** Both pieces of advice a mechanism can give, made once. */
const adviceViews = keyed("mechanism advice", (mechanism: Mechanism) => {
  const view = (status: MechanismAdvice["status"]): MechanismAdvice =>
    Object.freeze({ id: mechanism.id, text: mechanism.text, status });
  return { "in-place": view("in-place"), "to-establish": view("to-establish") };
});

/** A condition the recommendation depends on, in the rule's words. */
function conditionOf(compiled: CompiledRubrics, fact: ConditionFact): RecommendationCondition {
  const rule = rulesById(compiled).get(fact.ruleId);
  return {
    ruleId: fact.ruleId,
    mechanism: rule?.mechanism ?? fact.ruleId,
    reason: rule?.reason ?? "",
  };
}

const adviceOf = (mechanism: Mechanism, fact: MechanismFact): MechanismAdvice =>
  adviceViews(mechanism)[fact.status];

function changeOf(compiled: CompiledRubrics, fact: ChangeFact, current: Outcome): AnswerChange {
  const question = compiled.byId.get(fact.questionId)?.question;
  const described = question
    ? describeChange(question, fact.from, fact.to, fact.range)
    : fact.questionId;
  const statement = `With ${described}, ${becomes(fact.recommendation, current)}.`;
  const { questionId, kind, from, to, recommendation, margin, range } = fact;
  // Literals, not spreads: a batch makes thousands of these.
  return range
    ? { questionId, kind, from, to, recommendation, margin, range, statement }
    : { questionId, kind, from, to, recommendation, margin, statement };
}

function pairOf(compiled: CompiledRubrics, fact: PairFact, current: Outcome): ChangePair {
  const parts = fact.changes.map(({ questionId, from, to, range }) => {
    const question = compiled.byId.get(questionId)?.question;
    return question ? describeChange(question, from, to, range) : questionId;
  });
  return {
    changes: fact.changes.map(({ questionId, from, to }) => ({ questionId, from, to })),
    recommendation: fact.recommendation,
    margin: fact.margin,
    statement: `With ${parts.join(" and ")}, ${becomes(fact.recommendation, current)}.`,
  };
}

function watchOf(compiled: CompiledRubrics, fact: WatchFact, current: Outcome): RuleWatch {
  const question = compiled.byId.get(fact.questionId)?.question;
  const change = question
    ? describeChange(question, fact.from, fact.to, fact.range)
    : fact.questionId;
  const effect = `the hard rule “${ruleTitle(compiled, fact.ruleId)}” would ${fact.effect} ${fact.outcome}`;
  const result =
    fact.recommendation === current
      ? `the recommendation would stay ${current}`
      : becomes(fact.recommendation, current);
  const { ruleId, outcome, questionId, kind, from, to, recommendation } = fact;
  return {
    ruleId,
    effect: fact.effect,
    outcome,
    questionId,
    kind,
    from,
    to,
    recommendation,
    statement: `With ${change}, ${effect}, and ${result}.`,
  };
}

/** The rubrics' ids, versions, titles and weights: one shared list per compiled set. */
const rubricSummary = keyed("rubric summary", (compiled: CompiledRubrics): Assessment["rubrics"] =>
  compiled.rubrics.map(({ id, version, title, weight }) => ({ id, version, title, weight })),
);

const rubricTitles = keyed(
  "rubric titles",
  (compiled: CompiledRubrics) =>
    new Map(compiled.rubrics.map((rubric) => [rubric.id, rubric.title])),
);

/** The engine's facts in the rubrics' words: the assessment every format shows. */
export function narrate(compiled: CompiledRubrics, facts: Evaluation): Assessment {
  const current = facts.recommendation;
  const titles = rubricTitles(compiled);
  const mechanisms = current ? compiled.guidance[current].mechanisms : [];
  const counting = applicableAnswers(compiled, facts.answers);
  const assessment: Assessment = {
    schemaVersion: SCHEMA_VERSION,
    organization: facts.organization,
    source: facts.source,
    recommendation: current,
    runnerUp: facts.runnerUp,
    scores: facts.scores,
    margin: facts.margin,
    confidence: facts.confidence,
    confidenceFactors: facts.confidenceFactors,
    unanswered: facts.unanswered,
    rules: facts.rules.map((rule) => firedRuleOf(compiled, rule, counting)),
    warnings: facts.confidenceFactors.rulesConflict
      ? [conflictStatement(compiled, facts.rules)]
      : [],
    conditions: facts.conditions.map((fact) => conditionOf(compiled, fact)),
    reasons: facts.reasons.map((reason) => reasonOf(compiled, reason, counting)),
    counterReasons: facts.counterReasons.map((reason) => reasonOf(compiled, reason, counting)),
    whatWouldChange: current
      ? facts.whatWouldChange.map((change) => changeOf(compiled, change, current))
      : [],
    changePairs: current ? facts.changePairs.map((pair) => pairOf(compiled, pair, current)) : [],
    rulesToWatch: current
      ? facts.rulesToWatch.map((watch) => watchOf(compiled, watch, current))
      : [],
    stability: facts.stability,
    robustness: facts.robustness,
    mechanisms: facts.mechanisms.map((fact, index) => {
      const mechanism = mechanisms[index];
      return mechanism ? adviceOf(mechanism, fact) : { ...fact, text: fact.id };
    }),
    metrics: current ? compiled.guidance[current].metrics : [],
    answers: facts.answers,
    rubrics: rubricSummary(compiled),
    contributions: facts.contributions.map(({ rubricId, points }) => ({
      rubricId,
      title: titles.get(rubricId) ?? rubricId,
      points,
    })),
  };
  if (facts.provenance) assessment.provenance = facts.provenance;
  if (facts.respondents) assessment.respondents = facts.respondents;
  if (facts.disagreement) assessment.disagreement = facts.disagreement;
  if (!facts.undecided) return assessment;
  // Rare, so built by spreading: `undecided` goes next to the missing recommendation.
  const { reason, answerFirst } = facts.undecided;
  const { schemaVersion, organization, source, recommendation, runnerUp, ...rest } = assessment;
  return {
    schemaVersion,
    organization,
    source,
    recommendation,
    runnerUp,
    undecided: {
      reason,
      answerFirst,
      statement: undecidedStatement(compiled, reason, answerFirst),
    },
    ...rest,
  };
}
