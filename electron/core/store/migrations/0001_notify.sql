DROP INDEX `escalation_events_step_idx`;--> statement-breakpoint
ALTER TABLE `escalation_events` ADD `round` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `escalation_events_step_idx` ON `escalation_events` (`alert_id`,`round`,`step_index`,`repeat_index`);--> statement-breakpoint
ALTER TABLE `notification_logs` ADD `contact_id` integer REFERENCES contacts(id) ON DELETE set null;--> statement-breakpoint
ALTER TABLE `notification_logs` ADD `claimed_at` text;--> statement-breakpoint
ALTER TABLE `notification_logs` ADD `batch_id` integer;--> statement-breakpoint
ALTER TABLE `notification_logs` ADD `fallback_of` integer;--> statement-breakpoint
CREATE INDEX `notification_logs_batch_idx` ON `notification_logs` (`batch_id`);