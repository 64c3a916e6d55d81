import { createServiceRef, ToolError, type UpstreamReporter, upstreamOutcome } from '@toolhost/core';

export type Units = 'celsius' | 'fahrenheit';

export interface DailyForecast {
  date: string;
  max: number;
  min: number;
  precipitationMm: number;
}

/** The part of an Open-Meteo `/v1/forecast` answer this plugin reads. */
interface ForecastResponse {
  daily?: {
    time?: string[];
    temperature_2m_max?: number[];
    temperature_2m_min?: number[];
    precipitation_sum?: number[];
  };
}

/**
 * One client per process, made in the plugin's `setup`: it knows the endpoint and
 * units from the config, and reports every request to the host's upstream metrics.
 */
export class ForecastClient {
  constructor(
    readonly endpoint: string,
    readonly units: Units,
    private readonly report: UpstreamReporter,
  ) {}

  async daily(
    latitude: number,
    longitude: number,
    days: number,
    signal: AbortSignal,
  ): Promise<DailyForecast[]> {
    const url = new URL('/v1/forecast', this.endpoint);
    url.search = new URLSearchParams({
      latitude: String(latitude),
      longitude: String(longitude),
      daily: 'temperature_2m_max,temperature_2m_min,precipitation_sum',
      forecast_days: String(days),
      temperature_unit: this.units,
      timezone: 'UTC',
    }).toString();
    const started = performance.now();
    let response: Response;
    try {
      response = await fetch(url, { signal });
    } catch (error) {
      this.report({
        service: 'open-meteo',
        durationMs: performance.now() - started,
        outcome: 'network_error',
      });
      if (signal.aborted) throw error;
      throw new ToolError('The weather service cannot be reached right now; try again in a minute.');
    }
    this.report({
      service: 'open-meteo',
      durationMs: performance.now() - started,
      outcome: upstreamOutcome(response.status),
    });
    if (!response.ok) {
      throw new ToolError(`The weather service answered ${response.status}; try again later.`);
    }
    const { daily } = (await response.json()) as ForecastResponse;
    const time = daily?.time ?? [];
    return time.map((date, i) => ({
      date,
      max: daily?.temperature_2m_max?.[i] ?? Number.NaN,
      min: daily?.temperature_2m_min?.[i] ?? Number.NaN,
      precipitationMm: daily?.precipitation_sum?.[i] ?? 0,
    }));
  }
}

/** The service other parts of the plugin (the tool) ask for by this ref. */
export const forecastService = createServiceRef<ForecastClient>('weather.forecast');
