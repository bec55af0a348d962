import { uuidv7 } from 'uuidv7'

/** Time-ordered ids (UUID v7), made here because PostgreSQL 15 has no generator for them. */
export const newId = (): string => uuidv7()

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export const isUuid = (value: string): boolean => UUID.test(value)
