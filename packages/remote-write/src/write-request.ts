/** One label of a series; remote write wants them sorted by name, `__name__` among them. */
export interface RemoteLabel {
  name: string;
  value: string;
}

export interface RemoteSample {
  value: number;
  /** Milliseconds since the epoch. */
  timestampMs: number;
}

/** prometheus.TimeSeries of remote write 1.0 (prompb/types.proto). */
export interface RemoteSeries {
  labels: RemoteLabel[];
  samples: RemoteSample[];
}
