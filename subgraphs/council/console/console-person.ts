// Who is using the console: the contract between sign-in (auth/) and the pages that post disruptions.
import type { IncomingMessage } from 'node:http';

/** An editor drafts; a publisher publishes, changes and withdraws. A council can give both to one person. */
export type ConsoleRole = 'editor' | 'publisher';

export interface ConsolePerson {
  accountId: string;
  /** The only council whose disruptions and drafts this person may see or change. */
  councilCode: string;
  name: string;
  email: string;
  roles: ReadonlySet<ConsoleRole>;
}

export interface ConsoleSession {
  person: ConsolePerson;
  /** Put in every form as a hidden `csrf` field; checked on every POST. */
  csrfToken: string;
}

/** What the console's pages need of sign-in. */
export interface ConsoleAuth {
  /** The signed-in, unexpired session of this request, or null (the pages then redirect to sign-in). */
  sessionOf(req: IncomingMessage): ConsoleSession | null;
  /** True when a submitted token is this session's (compared in constant time). */
  csrfMatches(session: ConsoleSession, submitted: string | null | undefined): boolean;
}
