/**
 * The emulator's own clock. Emulated time runs at `speed` × real time from an anchor and can jump forward,
 * so a test can make ten seconds of speech or an hour-long batch job pass in a millisecond.
 */
export class EmulatorClock {
  private anchorReal: number;
  private anchorEmulated: number;
  private currentSpeed: number;

  constructor(speed = 1, startAt: number = Date.now()) {
    if (!(speed >= 0)) throw new RangeError('clock speed must be >= 0');
    this.anchorReal = Date.now();
    this.anchorEmulated = startAt;
    this.currentSpeed = speed;
  }

  /** Emulated epoch milliseconds. */
  now(): number {
    return this.anchorEmulated + (Date.now() - this.anchorReal) * this.currentSpeed;
  }

  get speed(): number {
    return this.currentSpeed;
  }

  advance(seconds: number): void {
    if (!(seconds >= 0)) throw new RangeError('the clock only moves forward');
    this.anchorEmulated += seconds * 1000;
  }

  /** Changes the rate from now on; 0 freezes emulated time. */
  setSpeed(speed: number): void {
    if (!(speed >= 0)) throw new RangeError('clock speed must be >= 0');
    this.reanchor(this.now());
    this.currentSpeed = speed;
  }

  /** Continues from a saved emulated time (used when state is restored after a restart). */
  resumeAt(emulatedMs: number): void {
    this.reanchor(emulatedMs);
  }

  private reanchor(emulatedMs: number): void {
    this.anchorReal = Date.now();
    this.anchorEmulated = emulatedMs;
  }
}
