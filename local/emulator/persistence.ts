import * as fs from 'node:fs';
import * as path from 'node:path';
import type { World } from './world';

/** What goes to disk: the world and the emulated time, so a demo resumes where it stopped. */
export interface Snapshot {
  readonly version: 1;
  readonly emulatedNow: number;
  readonly world: World;
}

const SAVE_DEBOUNCE_MS = 250;

/** Saves the world to a JSON file, debounced after changes and once more on stop; writes go through a rename. */
export class StateFile {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly filePath: string,
    private readonly snapshot: () => Snapshot,
    private readonly log: (line: string) => void,
  ) {}

  load(): Snapshot | undefined {
    if (!fs.existsSync(this.filePath)) return undefined;
    const parsed = JSON.parse(fs.readFileSync(this.filePath, 'utf8')) as Partial<Snapshot>;
    if (parsed.version !== 1 || !parsed.world || typeof parsed.emulatedNow !== 'number') {
      throw new Error(`State file ${this.filePath} is not an emulator state file (version 1)`);
    }
    return parsed as Snapshot;
  }

  scheduleSave(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.saveNow();
    }, SAVE_DEBOUNCE_MS);
    this.timer.unref();
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.saveNow();
  }

  private saveNow(): void {
    try {
      fs.mkdirSync(path.dirname(this.filePath), { recursive: true });
      const tmp = `${this.filePath}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify(this.snapshot()));
      fs.renameSync(tmp, this.filePath);
    } catch (e: unknown) {
      this.log(`could not save state to ${this.filePath}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}
