import { createContext, useContext } from 'react';
import { apiRequest, may, type Caller, type Role } from './api';

export interface Session {
  token: string;
  caller: Caller;
  /** Calls the API with this session's token. */
  api<T>(method: string, path: string, body?: unknown): Promise<T>;
  may(role: Role): boolean;
  signOut(): void;
}

export const SessionContext = createContext<Session | undefined>(undefined);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in console');
  return session;
}

export function makeSession(token: string, caller: Caller, signOut: () => void): Session {
  return {
    token,
    caller,
    api: <T,>(method: string, path: string, body?: unknown) => apiRequest<T>(token, method, path, body),
    may: (role: Role) => may(caller, role),
    signOut,
  };
}

const TOKEN_KEY = 'dualwrite.token';
/** Kept for the tab only (sessionStorage): closing the tab signs out. */
export const storedToken = {
  get: (): string | null => window.sessionStorage.getItem(TOKEN_KEY),
  set: (token: string) => window.sessionStorage.setItem(TOKEN_KEY, token),
  clear: () => window.sessionStorage.removeItem(TOKEN_KEY),
};

const TEMPORAL_UI_KEY = 'dualwrite.temporalUi';
/** The Temporal UI the map links open; `npm start` serves it on 8233 by default. */
export const temporalUi = {
  get: (): string => window.localStorage.getItem(TEMPORAL_UI_KEY) ?? 'http://localhost:8233',
  set: (url: string) => window.localStorage.setItem(TEMPORAL_UI_KEY, url),
};
