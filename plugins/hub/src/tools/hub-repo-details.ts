import { defineTool, z } from '@toolhost/core';
import type { CatalogRepo, OfflineCatalog } from '../catalog/catalog';
import type { HubClient } from '../client';
import { HubNotFoundError } from '../errors';
import { clip, compactNumber, day, facts, list } from '../format';
import type { HubCall } from '../http';
import { parseRepoRef, type RepoRef } from '../repo-id';
import { answerFields, renderAnswer } from '../results';
import { hubBudget, hubService } from '../service';
import type { RepoKind } from '../types';

const KINDS = ['model', 'dataset', 'space'] as const;

const repo = z.object({
  type: z.enum(KINDS),
  id: z.string(),
  url: z.string(),
  author: z.string().optional(),
  description: z.string().optional(),
  task: z.string().optional(),
  library: z.string().optional(),
  sdk: z.string().optional(),
  stage: z.string().optional(),
  hardware: z.string().optional(),
  downloads: z.number().optional(),
  likes: z.number().optional(),
  license: z.string().optional(),
  access: z.enum(['public', 'gated', 'private']).optional(),
  lastModified: z.string().optional(),
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

const access = (r: { private: boolean; gated: false | string }) =>
  r.private ? 'private' : r.gated ? 'gated' : 'public';

/** One repo of a known type from the live Hub, in the shape of this tool's output. */
async function fetchRepo(hub: HubClient, kind: RepoKind, id: string, call: HubCall): Promise<Repo> {
  const url = hub.repoUrl(id, kind);
  switch (kind) {
    case 'model': {
      const m = await hub.modelInfo(id, call);
      return {
        type: kind,
        id: m.id,
        url,
        ...(m.author && { author: m.author }),
        ...(m.task && { task: m.task }),
        ...(m.library && { library: m.library }),
        downloads: m.downloads,
        likes: m.likes,
        ...(m.license && { license: m.license }),
        access: access(m),
        lastModified: m.lastModified,
        tags: m.tags.slice(0, TAGS_SHOWN),
      };
    }
    case 'dataset': {
      const d = await hub.datasetInfo(id, call);
      return {
        type: kind,
        id: d.id,
        url,
        ...(d.author && { author: d.author }),
        ...(d.description && { description: clip(d.description, 300) }),
        downloads: d.downloads,
        likes: d.likes,
        ...(d.license && { license: d.license }),
        access: access(d),
        lastModified: d.lastModified,
        tags: d.tags.slice(0, TAGS_SHOWN),
      };
    }
    case 'space': {
      const s = await hub.spaceInfo(id, call);
      return {
        type: kind,
        id: s.id,
        url,
        author: s.author,
        ...(s.description && { description: s.description }),
        ...(s.sdk && { sdk: s.sdk }),
        ...(s.stage && { stage: s.stage }),
        ...(s.hardware && { hardware: s.hardware }),
        likes: s.likes,
        ...(s.license && { license: s.license }),
        access: access(s),
        ...(s.lastModified && { lastModified: s.lastModified }),
        tags: s.tags.slice(0, TAGS_SHOWN),
      };
    }
  }
}

/** The types to try for a reference, most common first, unless the caller said which. */
const kindsFor = (ref: RepoRef, repoType: RepoKind | undefined): readonly RepoKind[] =>
  ref.kind ? [ref.kind] : repoType ? [repoType] : KINDS;

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
  services: { hub: hubService, budget: hubBudget },
  async handler({ repo_ids, repo_type }, ctx) {
    const { hub, budget } = ctx.services;
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
    return budget.fit(result, render, 'repos');
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
        ['Access', r.access],
        ['Updated', r.lastModified && day(r.lastModified)],
        ['Tags', r.tags?.length ? list(r.tags) : undefined],
      ]),
    ].join('\n'),
  );
  const missing = out.missing.length
    ? [`Not found on the Hub (or private): ${out.missing.join(', ')}. Check the spelling, or give the type.`]
    : [];
  return renderAnswer(out, [...sections, ...missing].join('\n\n') || 'Nothing found.');
}
