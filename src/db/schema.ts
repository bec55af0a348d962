/** The database's tables, one module per part of the house; drizzle-kit reads them from here. */
export * from './schema/content.js'
export * from './schema/integration.js'
export * from './schema/pages.js'
export * from './schema/search.js'
export * from './schema/documents.js'
