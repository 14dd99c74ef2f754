// Defaults that the console's client code shares with the core (no imports: it is bundled).

/** Whether a backup job reads its snapshot back once written, when its caller does not say. */
export const DEFAULT_VERIFY_AFTER_BACKUP = false;
