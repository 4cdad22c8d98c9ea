CREATE TABLE `alert_acknowledgments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`alert_id` integer NOT NULL,
	`user` text NOT NULL,
	`comment` text DEFAULT '' NOT NULL,
	`at` text NOT NULL,
	FOREIGN KEY (`alert_id`) REFERENCES `risk_alerts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `alert_ack_alert_idx` ON `alert_acknowledgments` (`alert_id`);--> statement-breakpoint
CREATE TABLE `alert_conditions` (
	`portfolio_id` text NOT NULL,
	`threshold_id` integer NOT NULL,
	`state` text NOT NULL,
	`since` text NOT NULL,
	`last_value` real,
	`updated_at` text NOT NULL,
	PRIMARY KEY(`portfolio_id`, `threshold_id`),
	FOREIGN KEY (`threshold_id`) REFERENCES `risk_alert_thresholds`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `alert_silences` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`portfolio_id` text,
	`metric_type` text,
	`severity` text,
	`starts_at` text NOT NULL,
	`ends_at` text NOT NULL,
	`reason` text NOT NULL,
	`author` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `alert_silences_ends_idx` ON `alert_silences` (`ends_at`);--> statement-breakpoint
CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` text NOT NULL,
	`actor` text NOT NULL,
	`entity` text NOT NULL,
	`entity_id` text NOT NULL,
	`action` text NOT NULL,
	`before` text,
	`after` text
);
--> statement-breakpoint
CREATE INDEX `audit_log_entity_idx` ON `audit_log` (`entity`,`entity_id`);--> statement-breakpoint
CREATE INDEX `audit_log_at_idx` ON `audit_log` (`at`);--> statement-breakpoint
CREATE TABLE `contacts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`role` text NOT NULL,
	`email` text,
	`phone` text,
	`webhook_url` text,
	`enabled` integer DEFAULT true NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `escalation_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`alert_id` integer NOT NULL,
	`step_index` integer NOT NULL,
	`repeat_index` integer DEFAULT 0 NOT NULL,
	`level` text NOT NULL,
	`due_at` text NOT NULL,
	`status` text NOT NULL,
	`fired_at` text,
	`detail` text,
	`created_at` text NOT NULL,
	FOREIGN KEY (`alert_id`) REFERENCES `risk_alerts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `escalation_events_step_idx` ON `escalation_events` (`alert_id`,`step_index`,`repeat_index`);--> statement-breakpoint
CREATE INDEX `escalation_events_due_idx` ON `escalation_events` (`status`,`due_at`);--> statement-breakpoint
CREATE TABLE `escalation_rules` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`severity` text NOT NULL,
	`portfolio_id` text,
	`enabled` integer DEFAULT true NOT NULL,
	`repeat_count` integer DEFAULT 0 NOT NULL,
	`repeat_interval_minutes` integer DEFAULT 15 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `escalation_rules_severity_idx` ON `escalation_rules` (`severity`,`portfolio_id`);--> statement-breakpoint
CREATE TABLE `escalation_steps` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`rule_id` integer NOT NULL,
	`step_order` integer NOT NULL,
	`level` text NOT NULL,
	`delay_minutes` real NOT NULL,
	`recipients` text NOT NULL,
	`channel` text NOT NULL,
	FOREIGN KEY (`rule_id`) REFERENCES `escalation_rules`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `escalation_steps_order_idx` ON `escalation_steps` (`rule_id`,`step_order`);--> statement-breakpoint
CREATE TABLE `instruments` (
	`symbol` text PRIMARY KEY NOT NULL,
	`name` text,
	`asset_class` text,
	`sector` text,
	`currency` text DEFAULT 'USD' NOT NULL,
	`multiplier` real DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE `notification_logs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`idempotency_key` text NOT NULL,
	`alert_id` integer,
	`transition` text NOT NULL,
	`step` integer DEFAULT 0 NOT NULL,
	`channel` text NOT NULL,
	`recipient` text NOT NULL,
	`severity` text NOT NULL,
	`status` text NOT NULL,
	`subject` text,
	`body` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` text,
	`expires_at` text,
	`provider_id` text,
	`error` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`sent_at` text,
	FOREIGN KEY (`alert_id`) REFERENCES `risk_alerts`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `notification_logs_idempotency_key_unique` ON `notification_logs` (`idempotency_key`);--> statement-breakpoint
CREATE INDEX `notification_logs_due_idx` ON `notification_logs` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `notification_logs_alert_idx` ON `notification_logs` (`alert_id`);--> statement-breakpoint
CREATE INDEX `notification_logs_created_idx` ON `notification_logs` (`created_at`);--> statement-breakpoint
CREATE TABLE `notification_templates` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`subject` text NOT NULL,
	`body` text NOT NULL,
	`sms` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `notification_templates_kind_unique` ON `notification_templates` (`kind`);--> statement-breakpoint
CREATE TABLE `portfolios` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`nav` real,
	`currency` text DEFAULT 'USD' NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `positions` (
	`portfolio_id` text NOT NULL,
	`symbol` text NOT NULL,
	`quantity` real NOT NULL,
	`updated_at` text NOT NULL,
	PRIMARY KEY(`portfolio_id`, `symbol`),
	FOREIGN KEY (`portfolio_id`) REFERENCES `portfolios`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`symbol`) REFERENCES `instruments`(`symbol`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `positions_symbol_idx` ON `positions` (`symbol`);--> statement-breakpoint
CREATE TABLE `prices` (
	`symbol` text NOT NULL,
	`date` text NOT NULL,
	`close` real NOT NULL,
	PRIMARY KEY(`symbol`, `date`),
	FOREIGN KEY (`symbol`) REFERENCES `instruments`(`symbol`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `prices_date_idx` ON `prices` (`date`);--> statement-breakpoint
CREATE TABLE `risk_alert_thresholds` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`portfolio_id` text NOT NULL,
	`metric_type` text NOT NULL,
	`threshold_value` real NOT NULL,
	`comparison_type` text NOT NULL,
	`severity` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`pending_seconds` integer DEFAULT 0 NOT NULL,
	`clear_value` real,
	`recovery_seconds` integer DEFAULT 0 NOT NULL,
	`warn_utilisation_pct` real DEFAULT 80 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `thresholds_portfolio_idx` ON `risk_alert_thresholds` (`portfolio_id`,`metric_type`);--> statement-breakpoint
CREATE TABLE `risk_alerts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`portfolio_id` text NOT NULL,
	`threshold_id` integer,
	`metric_type` text NOT NULL,
	`severity` text NOT NULL,
	`status` text NOT NULL,
	`comparison_type` text NOT NULL,
	`current_value` real,
	`threshold_value` real NOT NULL,
	`worst_value` real,
	`breach_count` integer DEFAULT 1 NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`flapping` integer DEFAULT false NOT NULL,
	`previous_alert_id` integer,
	`escalation_policy` text,
	`triggered_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`acknowledged_at` text,
	`acknowledged_by` text,
	`resolved_at` text,
	`resolved_by` text,
	`resolution` text,
	FOREIGN KEY (`threshold_id`) REFERENCES `risk_alert_thresholds`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `risk_alerts_one_open_idx` ON `risk_alerts` (`portfolio_id`,`threshold_id`) WHERE status <> 'RESOLVED';--> statement-breakpoint
CREATE INDEX `risk_alerts_status_idx` ON `risk_alerts` (`status`,`triggered_at`);--> statement-breakpoint
CREATE INDEX `risk_alerts_portfolio_idx` ON `risk_alerts` (`portfolio_id`,`triggered_at`);--> statement-breakpoint
CREATE INDEX `risk_alerts_triggered_idx` ON `risk_alerts` (`triggered_at`);--> statement-breakpoint
CREATE TABLE `risk_snapshots` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`portfolio_id` text NOT NULL,
	`ts` integer NOT NULL,
	`resolution` text DEFAULT 'raw' NOT NULL,
	`as_of` text NOT NULL,
	`stale` integer DEFAULT false NOT NULL,
	`metrics` text NOT NULL,
	FOREIGN KEY (`portfolio_id`) REFERENCES `portfolios`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `risk_snapshots_portfolio_ts_idx` ON `risk_snapshots` (`portfolio_id`,`ts`);--> statement-breakpoint
CREATE INDEX `risk_snapshots_resolution_ts_idx` ON `risk_snapshots` (`resolution`,`ts`);--> statement-breakpoint
CREATE TABLE `settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`updated_at` text NOT NULL
);
