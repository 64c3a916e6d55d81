/** What the Hub client returns: the Hub's answers reduced to the fields the tools use. */

export type RepoKind = 'model' | 'dataset' | 'space';
export type Gated = false | 'auto' | 'manual';

export interface ModelQuery {
  query?: string;
  author?: string;
  task?: string;
  library?: string;
  /** Every tag must match (`license:mit`, `gguf`…); with `library`, both apply. */
  tags?: string[];
  sort?: 'trendingScore' | 'downloads' | 'likes' | 'createdAt' | 'lastModified';
  limit: number;
}

export interface ModelSummary {
  id: string;
  author?: string;
  task?: string;
  library?: string;
  downloads: number;
  likes: number;
  private: boolean;
  gated: Gated;
  lastModified: string;
}

export interface ModelDetails extends ModelSummary {
  tags: string[];
  createdAt?: string;
  license?: string;
  languages?: string[];
  datasets?: string[];
  parameters?: number;
  baseModels?: string[];
}

export interface DatasetQuery {
  query?: string;
  author?: string;
  tags?: string[];
  sort?: 'trendingScore' | 'downloads' | 'likes' | 'createdAt' | 'lastModified';
  limit: number;
}

export interface DatasetSummary {
  id: string;
  author?: string;
  downloads: number;
  likes: number;
  private: boolean;
  gated: Gated;
  lastModified: string;
  tags: string[];
  description?: string;
}

export interface DatasetSplit {
  name: string;
  examples?: number;
  bytes?: number;
}

export interface DatasetConfig {
  name: string;
  splits: DatasetSplit[];
}

export interface DatasetDetails extends DatasetSummary {
  prettyName?: string;
  createdAt?: string;
  license?: string;
  languages?: string[];
  taskCategories?: string[];
  /** The card's size bucket, e.g. "1M<n<10M". */
  sizeCategory?: string;
  /** Total size of the data files, when the card records it. */
  datasetBytes?: number;
  downloadBytes?: number;
  configs: DatasetConfig[];
  arxivIds?: string[];
}

export interface SpaceQuery {
  query: string;
  limit: number;
  /** Only Spaces that serve MCP (the Hub's `mcp-server` tag). */
  mcp?: boolean;
}

/** A keyword search of Spaces (`/api/spaces`): words in the Space id, author, tags. */
export interface SpaceListQuery {
  query?: string;
  author?: string;
  /** Every tag must match (`mcp-server`, `gradio`…). */
  tags?: string[];
  sort?: 'trendingScore' | 'likes' | 'createdAt' | 'lastModified';
  limit: number;
}

/** One answer of the Spaces semantic search. */
export interface SpaceHit {
  id: string;
  author: string;
  title?: string;
  emoji?: string;
  description?: string;
  category?: string;
  sdk?: string;
  likes: number;
  stage?: string;
  hardware?: string;
  /** 0–1, how close the Space is to the query. */
  relevance?: number;
  lastModified?: string;
}

/** A Space as `/api/spaces/{id}` describes it: what the Spaces-as-plugins feature needs to reach it. */
export interface SpaceInfo {
  id: string;
  author: string;
  title?: string;
  emoji?: string;
  description?: string;
  sdk?: string;
  sdkVersion?: string;
  /** Runtime stage: RUNNING, SLEEPING, BUILDING, RUNTIME_ERROR, PAUSED, … */
  stage?: string;
  hardware?: string;
  likes: number;
  private: boolean;
  gated: Gated;
  /** `owner-name`: the app lives at https://<subdomain>.hf.space. */
  subdomain?: string;
  /** The app's base URL, as the Hub reports it. */
  host?: string;
  /** The Space declares it serves MCP (tag `mcp-server`). */
  mcpServer: boolean;
  tags: string[];
  models?: string[];
  datasets?: string[];
  license?: string;
  createdAt?: string;
  lastModified?: string;
}

export interface PaperSummary {
  /** arXiv id, e.g. "2407.21783". */
  id: string;
  title: string;
  /** Author names, in order (at most 50; `authorCount` has the full count). */
  authors: string[];
  authorCount: number;
  summary?: string;
  upvotes?: number;
  publishedAt?: string;
  keywords?: string[];
  githubRepo?: string;
}

export interface PaperDetails extends PaperSummary {
  aiSummary?: string;
  githubStars?: number;
  projectPage?: string;
  comments?: number;
}

export interface DocHit {
  product: string;
  /** Page title (or its first heading). */
  title: string;
  section?: string;
  url: string;
  text: string;
}

/** A documentation page as fetched. */
export interface DocPage {
  url: string;
  contentType: string;
  body: string;
}
