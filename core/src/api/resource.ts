import { RESOURCE_BRAND } from './brand';
import type { ConfigOf, MaybePromise, RequestContext } from './context';
import type { ConfigSchema } from './plugin';
import type { ServiceRefMap } from './service';

/** One item of a resource read: text or binary (base64 `blob`), with its URI and type. */
export type ResourceContent =
  | { uri: string; mimeType?: string; text: string; _meta?: Record<string, unknown> }
  | { uri: string; mimeType?: string; blob: string; _meta?: Record<string, unknown> };

/** What `read` may return: plain text (typed with the resource's mimeType), bytes, or full contents. */
export type ResourceReturn = string | Uint8Array | { contents: ResourceContent[] };

export interface ResourceRead {
  /** The URI the client asked for. */
  uri: string;
  /** Variables matched from `uriTemplate`; empty for a fixed `uri`. */
  params: Readonly<Record<string, string>>;
}

interface ResourceBase<S extends ServiceRefMap | undefined, C extends ConfigSchema | undefined> {
  name: string;
  title?: string;
  description?: string;
  mimeType?: string;
  services?: S;
  /** The part of the plugin's config `read` uses (`ctx.config`), as for tools. */
  config?: C;
  read(request: ResourceRead, ctx: RequestContext<S, ConfigOf<C>>): MaybePromise<ResourceReturn>;
}

export type ResourceDefinition<
  S extends ServiceRefMap | undefined,
  C extends ConfigSchema | undefined = undefined,
> =
  | (ResourceBase<S, C> & { uri: string; uriTemplate?: never })
  | (ResourceBase<S, C> & {
      /** RFC 6570 template, e.g. `hf://models/{owner}/{name}`. */
      uriTemplate: string;
      uri?: never;
      /** Completion for template variables (`completion/complete`). */
      complete?: Record<string, (value: string) => MaybePromise<string[]>>;
    });

export type Resource<
  S extends ServiceRefMap | undefined = ServiceRefMap | undefined,
  C extends ConfigSchema | undefined = ConfigSchema | undefined,
> = Readonly<ResourceDefinition<S, C>> & { readonly [RESOURCE_BRAND]: true };

// biome-ignore lint/suspicious/noExplicitAny: service maps vary per resource.
export type AnyResource = Resource<any, any>;

export function defineResource<
  S extends ServiceRefMap | undefined = undefined,
  C extends ConfigSchema | undefined = undefined,
>(definition: ResourceDefinition<S, C>): Resource<S, C> {
  if (!definition.uri && !definition.uriTemplate) {
    throw new TypeError(`defineResource(${definition.name}): give either uri or uriTemplate`);
  }
  return Object.freeze({ ...definition, [RESOURCE_BRAND]: true as const }) as Resource<S, C>;
}
