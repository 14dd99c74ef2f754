-- The alert of a retrying attempt, so its retries survive the process that started them.
ALTER TABLE "alert_delivery" ADD COLUMN "payload" TEXT;
