import type { CompiledRubrics } from "../engine/compile.js";
import { evaluateRoom, type RoomInput } from "../engine/consensus.js";
import { type AssessInput, evaluate } from "../engine/evaluate.js";
import type { Assessment } from "../result/assessment.js";
import { narrate } from "./assessment.js";

export type { AssessInput, RoomInput };

/** Rubrics and answers in, the full assessment out: the engine's facts, in the rubrics' words. */
export const assess = (compiled: CompiledRubrics, input: AssessInput): Assessment =>
  narrate(compiled, evaluate(compiled, input));

/** Several respondents' answers for one organisation, assessed as a room. */
export const assessRoom = (compiled: CompiledRubrics, input: RoomInput): Assessment =>
  narrate(compiled, evaluateRoom(compiled, input));
