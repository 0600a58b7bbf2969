import type { CompiledRubrics } from "../engine/compile.js";
import type { Step } from "../interview/flow.js";
import { answerLabel } from "../rubric/question.js";
import type { Answers, AnswerValue } from "../rubric/schema.js";

/** How many rounds a workshop runs at most: the first, and two Delphi rounds after it. */
export const MAX_ROUNDS = 3;

/** One person in the room: who they are, and what they answered (facts aside). */
export interface Participant {
  /** Random and unguessable: the participant's cookie. */
  id: string;
  name: string;
  role?: string;
  /** Their respondent org file, relative to the room folder. */
  file: string;
  /** Their own answers to the open questions; the org file's facts are not repeated here. */
  answers: Record<string, AnswerValue>;
  /** Questions they said "not sure" to. */
  unknown: string[];
  /** The one-line reasons they gave, shown anonymously in later rounds. */
  reasons: Record<string, string>;
  /** In a Delphi round: the questions they have answered again (or kept). */
  rechecked: string[];
}

/** A question asked again: how the room answered it before, without names. */
export interface Recheck {
  questionId: string;
  answers: Array<{ label: string; count: number }>;
  reasons: string[];
}

/** The state of a room, as `room.json` keeps it. */
export interface RoomState {
  version: 1;
  organization: string;
  token: string;
  /** The key the forms' CSRF tokens are signed with. */
  secret: string;
  /** 1, then each Delphi round. */
  round: number;
  /** Whether the room's answers and result are shown (on the screen and the terminal). */
  revealed: boolean;
  /** In a Delphi round: the questions asked again, with the previous round's answers to show. */
  recheck: Recheck[];
  participants: Participant[];
}

/** What the room's questions are: the interview's steps, less what the org file settles. */
export class Room {
  constructor(
    readonly state: RoomState,
    readonly compiled: CompiledRubrics,
    readonly steps: readonly Step[],
    /** The org file's answers: facts, asked of nobody. */
    readonly facts: Answers,
  ) {}

  participant(id: string | undefined): Participant | undefined {
    return id === undefined ? undefined : this.state.participants.find((p) => p.id === id);
  }

  /** A participant's answers with the org file's facts: what their respondent file holds. */
  answersOf(participant: Participant): Answers {
    return Object.assign(Object.create(null), this.facts, participant.answers);
  }

  /**
   * The questions this participant is asked, in interview order: in round 1 every open question
   * that applies to their answers; in a Delphi round the questions asked again.
   */
  questionsFor(participant: Participant): Step[] {
    const answers = this.answersOf(participant);
    const open = this.steps.filter(
      (step) => this.facts[step.question.id] === undefined && step.applies(answers),
    );
    if (this.state.round === 1) return open;
    return open.filter((step) =>
      this.state.recheck.some((entry) => entry.questionId === step.question.id),
    );
  }

  /** Whether a question has been dealt with this round: answered, not sure, or rechecked. */
  isDone(participant: Participant, id: string): boolean {
    if (this.state.round > 1) return participant.rechecked.includes(id);
    return participant.answers[id] !== undefined || participant.unknown.includes(id);
  }

  /** The next question this participant has not dealt with this round; undefined: all done. */
  nextFor(participant: Participant): Step | undefined {
    return this.questionsFor(participant).find(
      (step) => !this.isDone(participant, step.question.id),
    );
  }

  /** How far each participant is this round: the terminal and the screen show this, never what. */
  progress(): Array<{ name: string; role?: string; done: number; total: number }> {
    return this.state.participants.map((participant) => {
      const questions = this.questionsFor(participant);
      return {
        name: participant.name,
        ...(participant.role ? { role: participant.role } : {}),
        done: questions.filter((step) => this.isDone(participant, step.question.id)).length,
        total: questions.length,
      };
    });
  }

  /** Records a participant's reply: an answer (null: not sure) and an optional reason. */
  record(participant: Participant, id: string, value: AnswerValue | null, reason?: string): void {
    if (value === null) {
      delete participant.answers[id];
      if (!participant.unknown.includes(id)) participant.unknown.push(id);
    } else {
      participant.answers[id] = value;
      participant.unknown = participant.unknown.filter((other) => other !== id);
    }
    if (reason !== undefined) {
      if (reason === "") delete participant.reasons[id];
      else participant.reasons[id] = reason;
    }
    if (this.state.round > 1 && !participant.rechecked.includes(id)) participant.rechecked.push(id);
  }

  /**
   * Starts a Delphi round on these questions, keeping how the room answered each so far, to be
   * shown without names: how many gave each answer, and the reasons given.
   */
  startRound(questionIds: readonly string[]): void {
    this.state.recheck = questionIds.map((id) => ({ questionId: id, ...this.spread(id) }));
    this.state.round += 1;
    this.state.revealed = false;
    for (const participant of this.state.participants) participant.rechecked = [];
  }

  /** How the room answers a question now: counts by the rubric's labels, and the reasons. */
  private spread(id: string): Omit<Recheck, "questionId"> {
    const step = this.steps.find((s) => s.question.id === id);
    const counts = new Map<string, number>();
    const reasons: string[] = [];
    for (const participant of this.state.participants) {
      const value = participant.answers[id];
      const label =
        value === undefined
          ? participant.unknown.includes(id)
            ? "Not sure"
            : undefined
          : step
            ? answerLabel(step.question, value)
            : String(value);
      if (label !== undefined) counts.set(label, (counts.get(label) ?? 0) + 1);
      const reason = participant.reasons[id];
      if (reason) reasons.push(reason);
    }
    return {
      answers: [...counts]
        .map(([label, count]) => ({ label, count }))
        .sort((a, b) => b.count - a.count || a.label.localeCompare(b.label)),
      reasons: reasons.sort((a, b) => a.localeCompare(b)),
    };
  }
}
