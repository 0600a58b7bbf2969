import type { CompiledQuestion, CompiledRubrics } from "../engine/compile.js";
import { mostDecisiveQuestion, type Settlement, settleVerdict } from "../engine/settled.js";
import { questionsTestedBy } from "../rubric/conditions.js";
import type { Answers, AnswerValue, Question } from "../rubric/schema.js";

/** One question in the interview, with where it stands for the progress line. */
export interface Step {
  question: Question;
  rubricTitle: string;
  /** 1-based position within its rubric, and the rubric's size. */
  inRubric: number;
  rubricSize: number;
  /** 1-based position in the whole interview, and its length. */
  overall: number;
  total: number;
  /** Whether the question applies to the answers so far (friction between two leaders only
   * where two exist); a question that does not is skipped. */
  applies(answers: Answers): boolean;
  /**
   * Whether an adaptive interview asks it before choosing: the first question and its family
   * (stage and size in the built-in rubrics), which every verdict needs.
   */
  opening: boolean;
}

/** Where the interview stands, for the progress line; `atMost`: adaptive, it may stop sooner. */
export interface Progress {
  done: number;
  left: number;
  atMost?: boolean;
}

/** An adaptive interview that stopped: how far it went and why the rest may stay open. */
export interface Settled {
  settlement: Extract<Settlement, { settled: true }>;
  /** Questions that apply and are answered or marked "not sure", and how many apply in all. */
  asked: number;
  questions: number;
  /** The open questions that apply, in interview order. */
  leftOpen: string[];
}

/** Skip leaves the question as it was (unanswered, or its earlier answer); clear unanswers it. */
export type Reply =
  | { kind: "answer"; value: AnswerValue }
  | { kind: "skip" }
  | { kind: "clear" }
  | { kind: "back" };
export type ReviewChoice = { kind: "change"; questionId: string } | { kind: "done" };

/** The terminal side of the interview; tests give a scripted one. */
export interface Prompter {
  /** `left`: the open questions from this one on, this one included ("6 to go"). */
  ask(
    step: Step,
    current: AnswerValue | undefined,
    canGoBack: boolean,
    progress?: Progress,
  ): Promise<Reply>;
  /** The verdict is settled with questions left: stop there, or go on with the rest? */
  settled(settled: Settled): Promise<"stop" | "go-on">;
  review(
    steps: readonly Step[],
    answers: Answers,
    purpose: "revise" | "final",
  ): Promise<ReviewChoice>;
}

/**
 * Where each question comes in the interview: rubric by rubric, except that a question whose
 * `appliesWhen` tests a later one waits until just after it, so it is asked only if it applies.
 */
function interviewOrder(compiled: CompiledRubrics): CompiledQuestion[] {
  const at = new Map(compiled.questions.map((entry, index) => [entry.question.id, index]));
  const place = (entry: CompiledQuestion, index: number): number => {
    if (!entry.question.appliesWhen) return index;
    const last = Math.max(
      ...questionsTestedBy(entry.question.appliesWhen).map((id) => at.get(id) ?? -1),
    );
    return last > index ? last + 0.5 : index;
  };
  return compiled.questions
    .map((entry, index) => ({ entry, key: place(entry, index), index }))
    .sort((a, b) => a.key - b.key || a.index - b.index)
    .map(({ entry }) => entry);
}

/** Every question of the rubrics, rubric by rubric in their interview order. */
export function planInterview(compiled: CompiledRubrics): Step[] {
  const titles = new Map(compiled.rubrics.map((rubric) => [rubric.id, rubric.title]));
  const sizes = new Map<string, number>();
  for (const { rubricId } of compiled.questions)
    sizes.set(rubricId, (sizes.get(rubricId) ?? 0) + 1);
  const seen = new Map<string, number>();
  const first = compiled.questions[0]?.group;
  return interviewOrder(compiled).map(({ question, rubricId, applies, group }, index) => {
    const inRubric = (seen.get(rubricId) ?? 0) + 1;
    seen.set(rubricId, inRubric);
    return {
      question,
      rubricTitle: titles.get(rubricId) ?? rubricId,
      inRubric,
      rubricSize: sizes.get(rubricId) ?? 0,
      overall: index + 1,
      total: compiled.questions.length,
      applies: (answers: Answers) => applies === undefined || applies(answers),
      opening: group === first,
    };
  });
}

export interface InterviewOptions {
  /** Offer a review of the answers already given before asking the rest (a resumed interview). */
  reviseFirst: boolean;
  /**
   * Questions already marked "not sure" (`null` in the file): not asked again unless
   * `askSkipped`. Skipping an unanswered question adds it here.
   */
  unknown?: Set<string>;
  askSkipped?: boolean;
  /**
   * Ask the most decisive question next, and stop once the engine proves the open ones cannot
   * change the verdict (the user may go on).
   */
  adaptive?: CompiledRubrics;
  /**
   * Called after every change, so an interrupted interview loses nothing; `settled` when an
   * adaptive interview stopped with questions left open, `null` when that no longer holds.
   */
  save(answers: Answers, unknown: ReadonlySet<string>, settled?: Settled | null): Promise<void>;
}

/**
 * Asks what is unanswered, in order, with "back" and "skip"; then shows every answer for review
 * until the user is done. Returns the final answers. The answers passed in are never mutated.
 */
export async function runInterview(
  steps: readonly Step[],
  initial: Answers,
  prompter: Prompter,
  options: InterviewOptions,
): Promise<Answers> {
  const answers: Record<string, AnswerValue> = Object.assign(Object.create(null), initial);
  const unknown = options.unknown ?? new Set<string>();
  // Passed over in this interview: not asked again in it, even with askSkipped.
  const passed = new Set<string>();
  const record = async (step: Step, reply: Reply) => {
    const id = step.question.id;
    if (reply.kind === "skip" && answers[id] === undefined) passed.add(id);
    if (reply.kind === "answer") {
      answers[id] = reply.value;
      unknown.delete(id);
    } else if (reply.kind === "clear") delete answers[id];
    // "Not sure" on an open question is recorded, so a resumed interview does not ask it again.
    else if (reply.kind === "skip" && answers[id] === undefined && !unknown.has(id))
      unknown.add(id);
    else return;
    await options.save(answers, unknown);
  };
  const byId = new Map(steps.map((step) => [step.question.id, step]));
  const reviewUntilDone = async (purpose: "revise" | "final") => {
    for (;;) {
      const applicable = steps.filter((step) => step.applies(answers));
      const choice = await prompter.review(applicable, answers, purpose);
      if (choice.kind === "done") return;
      const step = byId.get(choice.questionId);
      if (!step) continue;
      const reply = await prompter.ask(step, answers[step.question.id], false);
      await record(step, reply);
    }
  };

  if (options.reviseFirst) await reviewUntilDone("revise");
  const isPending = (step: Step) =>
    answers[step.question.id] === undefined &&
    !passed.has(step.question.id) &&
    (options.askSkipped === true || !unknown.has(step.question.id));
  const compiled = options.adaptive;
  if (!compiled) {
    await askInOrder(steps.filter(isPending), answers, prompter, record);
    await reviewUntilDone("final");
    return answers;
  }
  // Adaptive: ask until settled; a review that changes an answer can unsettle it again.
  for (;;) {
    const settled = await askAdaptively(compiled, steps, answers, isPending, prompter, record);
    if (!settled) await askInOrder(steps.filter(isPending), answers, prompter, record);
    else await options.save(answers, unknown, settled);
    await reviewUntilDone("final");
    if (!settled) return answers;
    const open = new Set(steps.filter(isPending).map((step) => step.question.id));
    if (settleVerdict(compiled, answers, open).settled) return answers;
    // The record goes, so the file never claims a settlement that no longer holds.
    await options.save(answers, unknown, null);
  }
}

type RecordReply = (step: Step, reply: Reply) => Promise<void>;

/** The pending questions in interview order, with back; moot ones are passed over either way. */
async function askInOrder(
  pending: readonly Step[],
  answers: Answers,
  prompter: Prompter,
  record: RecordReply,
): Promise<void> {
  let index = 0;
  let backing = false;
  while (index < pending.length) {
    const step = pending[index] as Step;
    // Earlier answers can make a question moot; going back passes over it too.
    if (!step.applies(answers)) {
      index = index + (backing ? -1 : 1);
      if (index < 0) {
        index = 0;
        backing = false;
      }
      continue;
    }
    // What is left counts only questions that still apply to the answers so far.
    const open = (from: number, to: number) =>
      pending.slice(from, to).filter((s) => s.applies(answers)).length;
    const reply = await prompter.ask(step, answers[step.question.id], index > 0, {
      done: open(0, index),
      left: open(index, pending.length),
    });
    await record(step, reply);
    backing = reply.kind === "back" && index > 0;
    index = reply.kind === "back" ? Math.max(0, index - 1) : index + 1;
  }
}

/**
 * The opening questions, then always the open question that could most change the verdict,
 * until the engine proves none can. Returns how it settled, or undefined when the user chose to
 * go on (or nothing was left to ask).
 */
async function askAdaptively(
  compiled: CompiledRubrics,
  steps: readonly Step[],
  answers: Answers,
  isPending: (step: Step) => boolean,
  prompter: Prompter,
  record: RecordReply,
): Promise<Settled | undefined> {
  const asked: Step[] = [];
  let revisit: Step | undefined;
  for (;;) {
    const pending = steps.filter(isPending);
    const applying = pending.filter((step) => step.applies(answers));
    let step = revisit ?? applying.find((s) => s.opening);
    revisit = undefined;
    if (!step) {
      const open = new Set(pending.map((s) => s.question.id));
      const settlement = settleVerdict(compiled, answers, open);
      if (settlement.settled && applying.length > 0) {
        const known = steps.filter((s) => s.applies(answers)).length - applying.length;
        const settled: Settled = {
          settlement,
          asked: known,
          questions: known + applying.length,
          leftOpen: applying.map((s) => s.question.id),
        };
        return (await prompter.settled(settled)) === "stop" ? settled : undefined;
      }
      const next = mostDecisiveQuestion(
        compiled,
        answers,
        applying.map((s) => s.question.id),
      );
      step = applying.find((s) => s.question.id === next);
      if (!step) return undefined;
    }
    const reply = await prompter.ask(step, answers[step.question.id], asked.length > 0, {
      done: asked.length,
      left: applying.length,
      atMost: true,
    });
    await record(step, reply);
    if (reply.kind === "back") revisit = asked.pop();
    else asked.push(step);
  }
}
