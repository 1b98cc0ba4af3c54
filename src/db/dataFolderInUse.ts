import type { EmbeddedOwner } from './embeddedOwner';

/**
 * A server asked for a data folder another live process already serves. Two servers sharing one
 * embedded database would both run, until the owner stops and takes the database with it: the other
 * would answer 500/503 from then on. So a server refuses, and says which process holds the folder.
 */
export class DataFolderInUseError extends Error {
  readonly code = 'data_folder_in_use';

  constructor(
    readonly dataDir: string,
    readonly owner: EmbeddedOwner,
  ) {
    const holder = owner.server
      ? `process ${owner.pid}, whose REST API listens on ${owner.server}`
      : `process ${owner.pid} (not a server: a command such as key:create or import; wait until it ends)`;
    super(
      `The data folder ${dataDir} is already served by ${holder}. ` +
        'One embedded database serves one server: use that server, stop it first, or start this one with ' +
        'its own port and data folder (PORT=8081 FCRM_DATA_DIR=./other-data npm start) or on PostgreSQL ' +
        '(DATABASE_URL=postgres://user:password@host:5432/db npm start).',
    );
    this.name = 'DataFolderInUseError';
  }
}
