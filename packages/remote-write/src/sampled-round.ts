/**
 * One round as the families encoder sampled it: each series' encoded labels and its value, not
 * yet a WriteRequest. Rounds are kept this way until they are sent, so the rounds of one request
 * can carry each series' labels once (see `encodeSampledRounds`).
 */
export interface SampledRound {
  /**
   * Each series' sorted Label entries as they sit inside its TimeSeries message. The encoder
   * shares these buffers from one round to the next: nothing may write to them.
   */
  labels: readonly Uint8Array[];
  /** The series' values, in the order of `labels`. */
  values: Float64Array;
  /** The round's timestamp, ms: every sample of the round carries it. */
  timeMs: number;
}
