import Dexie from 'dexie';

/**
 * Calls `listener` after every commit that wrote one of `tables` of `db`, whichever extension
 * context (worker, popup, settings page) made it: Dexie broadcasts commits between them.
 */
export function onTablesWritten(db: Dexie, tables: readonly string[], listener: () => void): void {
  Dexie.on('storagemutated', (parts) => {
    if (Object.keys(parts).some((part) => tables.some((table) => part.startsWith(`idb://${db.name}/${table}/`)))) listener();
  });
}
