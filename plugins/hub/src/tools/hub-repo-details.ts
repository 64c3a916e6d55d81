import { defineTool, z } from '@toolhost/core';
import { type CatalogRepo, notInCatalog, type OfflineCatalog } from '../catalog/catalog';
import type { HubClient } from '../client';
import { HubNotFoundError } from '../errors';
import { access, clip, compactNumber, day, facts, list } from '../format';
import type { HubCall } from '../http';
import { defined } from '../mappers';
import { parseRepoRef, type RepoRef } from '../repo-id';
import { answerFields, renderAnswer, repoFields } from '../results';
import { hubService } from '../service';
import type { Gated, RepoKind } from '../types';

const KINDS = ['model', 'dataset', 'space'] as const;

const repo = z.object({
  type: z.enum(KINDS),
  ...repoFields,
  task: z.string().optional(),
  library: z.string().optional(),
  sdk: z.string().optional(),
  stage: z.string().optional(),
  hardware: z.string().optional(),
  license: z.string().optional(),
  tags: z.array(z.string()).optional(),
});
type Repo = z.output<typeof repo>;

const output = z.object({
  repos: z.array(repo),
  /** References that named no repo of the types tried. */
  missing: z.array(z.string()),
  ...answerFields,
});

const TAGS_SHOWN = 20;

/** What models, datasets and Spaces all have, in this tool's shape. */
interface AnyRepo {
  id: string;
  author?: string;
  likes: number;
  private: boolean;
  gated: Gated;
  lastModified?: string;
  license?: string;
  tags: string[];
}

/** One repo of a known type from the live Hub, in the shape of this tool's output. */
async function fetchRepo(hub: HubClient, kind: RepoKind, id: string, call: HubCall): Promise<Repo> {
  const common = (r: AnyRepo) => ({
    type: kind,
    id: r.id,
    url: hub.repoUrl(r.id, kind),
    likes: r.likes,
    private: r.private,
    gated: r.gated,
    tags: r.tags.slice(0, TAGS_SHOWN),
    ...defined({ author: r.author, lastModified: r.lastModified, license: r.license }),
  });
  switch (kind) {
    case 'model': {
      const m = await hub.modelInfo(id, call);
      return { ...common(m), downloads: m.downloads, ...defined({ task: m.task, library: m.library }) };
    }
    case 'dataset': {
      const d = await hub.datasetInfo(id, call);
      return {
        ...common(d),
        downloads: d.downloads,
        ...defined({ description: d.description && clip(d.description, 300) }),
      };
    }
    case 'space': {
      const s = await hub.spaceInfo(id, call);
      return {
        ...common(s),
        ...defined({ description: s.description, sdk: s.sdk, stage: s.stage, hardware: s.hardware }),
      };
    }
  }
}

/** The types to try for a reference, most common first, unless the caller said which. */
const kindsFor = (ref: RepoRef, repoType: RepoKind | undefined): readonly RepoKind[] =>
  ref.kind ? [ref.kind] : repoType ? [repoType] : KINDS;

/** "model", or "model, dataset or Space" when every type is tried. */
function kindsPhrase(kinds: readonly RepoKind[]): string {
  const names = kinds.map((kind) => (kind === 'space' ? 'Space' : kind));
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names.at(-1)}` : (names[0] ?? 'repo');
}

async function findOnHub(hub: HubClient, ref: RepoRef, repoType: RepoKind | undefined, call: HubCall) {
  for (const kind of kindsFor(ref, repoType)) {
    try {
      return await fetchRepo(hub, kind, ref.id, call);
    } catch (error) {
      if (!(error instanceof HubNotFoundError)) throw error;
    }
  }
  return undefined;
}

function findInCatalog(
  hub: HubClient,
  catalog: OfflineCatalog,
  ref: RepoRef,
  repoType: RepoKind | undefined,
) {
  for (const kind of kindsFor(ref, repoType)) {
    const found: CatalogRepo | undefined = catalog.find(kind, ref.id);
    if (found) {
      return {
        type: kind,
        id: found.id,
        url: hub.repoUrl(found.id, kind),
        ...(found.author && { author: found.author }),
        description: found.description,
        tags: found.tasks,
      } satisfies Repo;
    }
  }
  return undefined;
}

export const hubRepoDetails = defineTool({
  name: 'hub_repo_details',
  title: 'Hub repository details',
  description:
    'Get details of one or more Hugging Face Hub repositories — models, datasets or Spaces — by id ("owner/name"), "datasets/owner/name", "spaces/owner/name" or a Hub URL. The type is detected automatically (tried as model, then dataset, then Space) unless given.',
  input: z.object({
    repo_ids: z
      .array(
        z
          .string()
          .trim()
          .min(1, 'a repo id must not be empty')
          .max(300)
          .refine((text) => parseRepoRef(text) !== undefined, {
            message: 'must be a repo id like "owner/name", "datasets/owner/name" or a Hub URL',
          }),
      )
      .min(1, 'give at least one repo id')
      .max(10, 'at most 10 repo ids per call')
      .describe('Repo ids or URLs, e.g. ["openai/whisper-large-v3", "datasets/stanfordnlp/imdb"]'),
    repo_type: z.enum(KINDS).optional().describe('Look only for this type of repo'),
  }),
  output,
  annotations: { readOnly: true, openWorld: true, idempotent: true },
  cost: 1,
  services: { hub: hubService },
  async handler({ repo_ids, repo_type }, ctx) {
    const { hub } = ctx.services;
    const refs = repo_ids.map((text) => ({ text, ref: parseRepoRef(text)! }));
    const answer = await hub.answer(ctx, 'lookup', {
      hub: () => Promise.all(refs.map(({ ref }) => findOnHub(hub, ref, repo_type, ctx))),
      catalog: (catalog) => refs.map(({ ref }) => findInCatalog(hub, catalog, ref, repo_type)),
    });
    const result = {
      repos: answer.value.filter((r): r is Repo => r !== undefined),
      missing: refs.filter((_, i) => answer.value[i] === undefined).map(({ text }) => text),
      ...answer.info,
    };
    // The catalog knowing none of them is an error, as for model_details: the model must
    // not read "not found" as "does not exist" when only the small catalog was asked.
    if (answer.info.source === 'catalog' && result.repos.length === 0) {
      const [only] = refs;
      throw notInCatalog(
        refs.length === 1 && only
          ? `${kindsPhrase(kindsFor(only.ref, repo_type))} named ${only.ref.id}`
          : `repos named ${result.missing.join(', ')}`,
      );
    }
    return result;
  },
  render,
});

function render(out: z.output<typeof output>): string {
  const sections = out.repos.map((r) =>
    [
      `## [${r.id}](${r.url}) (${r.type})`,
      '',
      ...(r.description ? [r.description, ''] : []),
      ...facts([
        ['Author', r.author],
        ['Task', r.task],
        ['Library', r.library],
        ['SDK', r.sdk],
        ['Status', r.stage],
        ['Hardware', r.hardware],
        ['Downloads', r.downloads !== undefined && compactNumber(r.downloads)],
        ['Likes', r.likes !== undefined && compactNumber(r.likes)],
        ['License', r.license],
        ['Access', access(r)],
        ['Updated', r.lastModified && day(r.lastModified)],
        ['Tags', r.tags?.length ? list(r.tags) : undefined],
      ]),
    ].join('\n'),
  );
  const missing = !out.missing.length
    ? []
    : out.source === 'catalog'
      ? [
          `Not in Toolhost's offline catalog, which holds only well-known repos: ${out.missing.join(', ')}. Search it with the search tools, or connect to the Hub for everything else.`,
        ]
      : [
          `Not found on the Hub (or private): ${out.missing.join(', ')}. Check the spelling, or give the type.`,
        ];
  return renderAnswer(out, [...sections, ...missing].join('\n\n') || 'Nothing found.');
}
