'use client';
// The signed-in user, for components that show a control only to a role that may use it
// (the server refuses the others anyway).
import { createContext, useContext, type ReactNode } from 'react';
import { roleAllows, type Role } from '@/lib/auth/roles';

export interface SessionUser {
  name: string;
  role: Role;
}

const SessionContext = createContext<SessionUser | null>(null);

export function SessionProvider({ user, children }: { user: SessionUser | null; children: ReactNode }) {
  return <SessionContext.Provider value={user}>{children}</SessionContext.Provider>;
}

export function useSessionUser(): SessionUser | null {
  return useContext(SessionContext);
}

/** Whether the signed-in user has at least `role`. */
export function useCan(role: Role): boolean {
  const user = useContext(SessionContext);
  return user !== null && roleAllows(user.role, role);
}
