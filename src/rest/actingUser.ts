import type { FastifyRequest } from 'fastify';
import type { ActingUser } from '../context/actingUser';

/** The credential's WordPress user is the acting user: its contact is the current contact. */
export function actingUserOf(request: FastifyRequest): ActingUser {
  const userId = request.principal?.userId;
  return userId ? { userId } : {};
}
