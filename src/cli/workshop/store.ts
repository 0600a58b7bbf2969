import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { z } from "zod";
import type { CompiledRubrics } from "../../engine/compile.js";
import type { Step } from "../../interview/flow.js";
import { UserError } from "../../io/errors.js";
import { writeFileAtomic } from "../../io/stream.js";
import type { QuestionIndex } from "../../rubric/answers.js";
import type { Answers, AnswerValue } from "../../rubric/schema.js";
import { visible } from "../../text/visible.js";
import { type Participant, Room, type RoomState } from "../../workshop/room.js";
import { AnswersFile, defaultAnswersPath } from "../interview/answers-file.js";
import { loadOrganization } from "../load.js";

/** `acme.yaml` → `acme.room/`: the room's folder, next to the org file. */
export const roomFolder = (orgPath: string): string =>
  join(dirname(orgPath), `${basename(orgPath).replace(/\.ya?ml$/i, "")}.room`);

const participantSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/),
  name: z.string().min(1).max(80),
  role: z.string().max(80).optional(),
  file: z.string().regex(/^[a-z0-9-]+\.yaml$/),
  answers: z.record(z.string(), z.unknown()),
  unknown: z.array(z.string()),
  reasons: z.record(z.string(), z.string().max(200)),
  rechecked: z.array(z.string()),
});

const stateSchema = z.strictObject({
  version: z.literal(1),
  organization: z.string(),
  token: z.string().regex(/^[A-Za-z0-9_-]{20,64}$/),
  secret: z.string().min(32),
  round: z.number().int().min(1),
  revealed: z.boolean(),
  recheck: z.array(
    z.strictObject({
      questionId: z.string(),
      answers: z.array(z.strictObject({ label: z.string(), count: z.number().int() })),
      reasons: z.array(z.string()),
    }),
  ),
  participants: z.array(participantSchema).max(200),
});

/** A random, unguessable id: 128 bits or more, URL-safe. */
export const randomId = (bytes = 16): string => randomBytes(bytes).toString("base64url");

/**
 * The room on disk: `room.json` (its state) and one respondent org file per participant, each
 * written atomically after every answer, one write at a time, so a crash loses nothing.
 */
export class RoomStore {
  private queue: Promise<void> = Promise.resolve();
  private readonly files = new Map<string, AnswersFile>();

  private constructor(
    readonly folder: string,
    readonly room: Room,
    /** Whether the room was read from disk rather than made now. */
    readonly resumed: boolean,
  ) {}

  /** Opens the room of an org file: resumed from its folder, or a new one. */
  static async open(
    orgPath: string,
    organization: string,
    facts: Answers,
    compiled: CompiledRubrics,
    steps: readonly Step[],
    index: QuestionIndex,
  ): Promise<RoomStore> {
    const folder = roomFolder(orgPath);
    const statePath = join(folder, "room.json");
    if (existsSync(folder) && !statSync(folder).isDirectory())
      throw new UserError(
        `${visible(folder)} is a file, not a room's folder: move it away, or name the org file otherwise`,
      );
    if (!existsSync(statePath)) {
      mkdirSync(folder, { recursive: true, mode: 0o700 });
      const state: RoomState = {
        version: 1,
        organization,
        token: randomId(),
        secret: randomId(32),
        round: 1,
        revealed: false,
        recheck: [],
        participants: [],
      };
      const store = new RoomStore(folder, new Room(state, compiled, steps, facts), false);
      await store.save();
      return store;
    }
    let state: RoomState;
    try {
      state = stateSchema.parse(JSON.parse(readFileSync(statePath, "utf8"))) as RoomState;
    } catch (error) {
      throw new UserError(
        `${visible(statePath)}: not a room this version can resume (${error instanceof Error ? visible(error.message.split("\n")[0] ?? "") : "unreadable"}); move the folder away to start a new room`,
      );
    }
    const store = new RoomStore(folder, new Room(state, compiled, steps, facts), true);
    // Each person's file is the record of their answers: it was written before the state.
    for (const participant of state.participants) {
      const path = join(folder, participant.file);
      if (!existsSync(path)) continue;
      const org = await loadOrganization(path, index);
      const file = AnswersFile.fromDocument(path, org.source.doc, steps, org.answers);
      participant.answers = withoutFacts(org.answers, facts);
      participant.unknown = [...file.unknown()];
      store.files.set(participant.id, file);
    }
    return store;
  }

  /** Adds a participant, with a file named after them that no one else has. */
  async join(name: string, role: string | undefined): Promise<Participant> {
    const taken = new Set(this.room.state.participants.map((p) => p.file));
    const base = defaultAnswersPath(name).replace(/\.yaml$/, "");
    let file = `${base}.yaml`;
    for (let n = 2; taken.has(file); n++) file = `${base}-${n}.yaml`;
    const participant: Participant = {
      id: randomId(),
      name,
      ...(role ? { role } : {}),
      file,
      answers: Object.create(null),
      unknown: [],
      reasons: {},
      rechecked: [],
    };
    this.room.state.participants.push(participant);
    await this.saveParticipant(participant);
    return participant;
  }

  /** Records a reply and saves it: the person's file first, then the room's state. */
  async record(
    participant: Participant,
    id: string,
    value: AnswerValue | null,
    reason?: string,
  ): Promise<void> {
    this.room.record(participant, id, value, reason);
    await this.saveParticipant(participant);
  }

  /** Saves the room's state alone (a reveal, a new round). */
  save(): Promise<void> {
    return this.enqueue(() => this.writeState());
  }

  private saveParticipant(participant: Participant): Promise<void> {
    return this.enqueue(async () => {
      let file = this.files.get(participant.id);
      if (!file) {
        file = AnswersFile.create(
          join(this.folder, participant.file),
          this.room.state.organization,
          this.room.steps,
          { name: participant.name, role: participant.role },
        );
        this.files.set(participant.id, file);
      }
      await file.save(this.room.answersOf(participant), new Set(participant.unknown));
      await this.writeState();
    });
  }

  private writeState(): Promise<void> {
    return writeFileAtomic(
      join(this.folder, "room.json"),
      `${JSON.stringify(this.room.state, null, 2)}\n`,
    );
  }

  /** One write at a time, in order; a failed write fails its caller, not the ones after it. */
  private enqueue(write: () => Promise<void>): Promise<void> {
    const next = this.queue.then(write);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Every participant's file, for `--respondents` and the room's result. */
  respondentPaths(): string[] {
    return this.room.state.participants.map((p) => join(this.folder, p.file));
  }
}

function withoutFacts(answers: Answers, facts: Answers): Record<string, AnswerValue> {
  const own: Record<string, AnswerValue> = Object.create(null);
  for (const [id, value] of Object.entries(answers))
    if (facts[id] === undefined && value !== undefined) own[id] = value;
  return own;
}
