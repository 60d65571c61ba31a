import { serveSchema, type ServedSchema } from '../../lib/http/serve-schema.js';
import { loadCouncilRegistry } from './council-registry.js';
import { PostcodeIndex } from './postcode-index.js';
import { directorySubgraphSchema, type DirectoryData } from './subgraph.js';

export function loadDirectoryData(): DirectoryData {
  return { councils: loadCouncilRegistry(), postcodes: PostcodeIndex.load() };
}

export function startDirectory(options: { data?: DirectoryData; port?: number; host?: string } = {}): Promise<ServedSchema> {
  return serveSchema({ name: 'directory', schema: directorySubgraphSchema(options.data ?? loadDirectoryData()), port: options.port, host: options.host });
}
