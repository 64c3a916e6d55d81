import { z } from '@toolhost/core';

/** The manifest entry's `config:`, validated when the plugin loads. */
export const weatherConfig = z.object({
  /** An Open-Meteo compatible API. */
  endpoint: z.string().url().default('https://api.open-meteo.com'),
  units: z.enum(['celsius', 'fahrenheit']).default('celsius'),
  /** The longest forecast a caller may ask for (Open-Meteo serves up to 16 days). */
  maxDays: z.number().int().min(1).max(16).default(7),
  /** Shown under every forecast: where the data comes from. */
  attribution: z.string().max(200).default('Weather data by Open-Meteo.com (CC BY 4.0)'),
});

export type WeatherConfig = z.infer<typeof weatherConfig>;
