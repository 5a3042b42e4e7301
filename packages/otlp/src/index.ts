export { createOtlpPusher } from './create-otlp-pusher.js';
export type { OtlpPusher, OtlpResource, OtlpTarget } from './create-otlp-pusher.js';
export { OTEL_NAMES, otelNameOf } from './otel-names.js';
export type { OtelInstrument, OtelName } from './otel-names.js';
export { readHostId } from './read-host-id.js';
