import type { Tracer } from '@opentelemetry/api';
import { KERNEL_VERSION } from '@toolhost/core';
import type { Logger } from 'pino';
import type { Manifest } from './manifest';

/**
 * OpenTelemetry traces, set up only when configured: the manifest's
 * `telemetry.otlp`, else the standard `OTEL_EXPORTER_OTLP_ENDPOINT` (or
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`). Spans go to an OTLP/HTTP collector as
 * JSON, in batches; the rest of the exporter's settings (headers, certificates)
 * come from the standard `OTEL_EXPORTER_OTLP_*` variables. Unconfigured, nothing
 * here runs and the SDK is not even loaded: the kernel gets no tracer and makes no spans.
 */

export interface TracingSetup {
  /** For the kernel: it makes every span with this tracer. */
  readonly tracer: Tracer;
  /** Where spans go (for the start-up log line). */
  readonly endpoint: string;
  /** Send the spans still buffered, then stop. Runs at shutdown; never throws. */
  shutdown(): Promise<void>;
}

const TRACES_PATH = 'v1/traces';
/** How long shutdown waits for the last batch to reach the collector. */
const FLUSH_TIMEOUT_MS = 5_000;

/** Where traces go, or undefined when tracing is off. */
export function tracesEndpoint(
  telemetry: Manifest['telemetry'],
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  if (env['OTEL_SDK_DISABLED']?.trim().toLowerCase() === 'true') return undefined;
  if (telemetry.otlp !== undefined) return appendPath(telemetry.otlp, TRACES_PATH);
  const specific = env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT']?.trim();
  if (specific) return specific;
  const base = env['OTEL_EXPORTER_OTLP_ENDPOINT']?.trim();
  return base ? appendPath(base, TRACES_PATH) : undefined;
}

/** `http://collector:4318` + `v1/traces`, as the OTLP exporter specification builds a signal's URL. */
function appendPath(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path}`;
}

/** The endpoint as logged: no user info or query string, which may hold credentials. */
function redacted(endpoint: string): string {
  if (!URL.canParse(endpoint)) return '(not a URL)';
  const url = new URL(endpoint);
  return `${url.origin}${url.pathname}`;
}

/**
 * Start tracing if it is configured. Registers the async-local-storage context
 * manager and the W3C trace-context propagator globally (the kernel's
 * `@opentelemetry/api` calls use them); the tracer provider stays private to
 * Toolhost, handed to the kernel rather than registered.
 */
export async function startTracing(
  telemetry: Manifest['telemetry'],
  env: Readonly<Record<string, string | undefined>>,
  logger: Logger,
): Promise<TracingSetup | undefined> {
  const endpoint = tracesEndpoint(telemetry, env);
  if (endpoint === undefined) return undefined;
  const [
    { context, propagation },
    { AsyncLocalStorageContextManager },
    { W3CTraceContextPropagator },
    { OTLPTraceExporter },
    { detectResources, envDetector, resourceFromAttributes },
    { BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler, TracerProvider },
  ] = await Promise.all([
    import('@opentelemetry/api'),
    import('@opentelemetry/context-async-hooks'),
    import('@opentelemetry/core'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/sdk-trace'),
  ]);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  const resource = resourceFromAttributes({
    'service.name': env['OTEL_SERVICE_NAME']?.trim() || telemetry.serviceName,
    'service.version': KERNEL_VERSION,
  }).merge(detectResources({ detectors: [envDetector] }));
  const delay = Number(env['OTEL_BSP_SCHEDULE_DELAY']);
  const provider = new TracerProvider({
    resource,
    // A caller's sampled flag decides for its requests; the ratio, for the traces Toolhost starts.
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(telemetry.sampleRatio) }),
    spanProcessors: [
      new BatchSpanProcessor({
        exporter: new OTLPTraceExporter({ url: endpoint }),
        ...(Number.isInteger(delay) && delay > 0 && { scheduledDelayMillis: delay }),
      }),
    ],
  });
  logger.info({ endpoint: redacted(endpoint) }, 'tracing: sending spans over OTLP/HTTP');
  return {
    tracer: provider.getTracer('toolhost', KERNEL_VERSION),
    endpoint: redacted(endpoint),
    async shutdown() {
      try {
        await Promise.race([
          provider.shutdown(),
          new Promise((resolve) => setTimeout(resolve, FLUSH_TIMEOUT_MS).unref()),
        ]);
      } catch (error) {
        logger.warn({ err: error }, 'tracing: the last spans could not be sent');
      }
    },
  };
}
