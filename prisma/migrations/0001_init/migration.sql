-- CreateTable
CREATE TABLE "cluster" (
    "cluster_id" TEXT NOT NULL PRIMARY KEY,
    "created_at" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "worker" (
    "worker_id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "worker_type" TEXT NOT NULL,
    "host" TEXT NOT NULL,
    "port" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "parallelism" INTEGER NOT NULL,
    "is_streaming" BOOLEAN NOT NULL,
    "is_serving" BOOLEAN NOT NULL,
    "started_at" DATETIME
);

-- CreateTable
CREATE TABLE "user" (
    "user_id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "is_super" BOOLEAN NOT NULL,
    "can_create_db" BOOLEAN NOT NULL,
    "can_create_user" BOOLEAN NOT NULL,
    "can_login" BOOLEAN NOT NULL,
    "auth_info" TEXT
);

-- CreateTable
CREATE TABLE "object" (
    "oid" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "obj_type" TEXT NOT NULL,
    "owner_id" INTEGER NOT NULL,
    "database_id" INTEGER,
    "schema_id" INTEGER,
    "initialized_at" DATETIME NOT NULL,
    "created_at" DATETIME NOT NULL,
    "initialized_at_epoch" BIGINT,
    "created_at_epoch" BIGINT,
    CONSTRAINT "object_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "user" ("user_id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "object_database_id_fkey" FOREIGN KEY ("database_id") REFERENCES "object" ("oid") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "object_schema_id_fkey" FOREIGN KEY ("schema_id") REFERENCES "object" ("oid") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "database" (
    "database_id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    CONSTRAINT "database_database_id_fkey" FOREIGN KEY ("database_id") REFERENCES "object" ("oid") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "schema" (
    "schema_id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "database_id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    CONSTRAINT "schema_schema_id_fkey" FOREIGN KEY ("schema_id") REFERENCES "object" ("oid") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "schema_database_id_fkey" FOREIGN KEY ("database_id") REFERENCES "database" ("database_id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "relation" (
    "relation_id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "kind" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "definition" TEXT NOT NULL,
    "columns" JSONB NOT NULL,
    "connector" TEXT,
    "primary_table_id" INTEGER,
    "append_only" BOOLEAN NOT NULL,
    "version" BIGINT NOT NULL,
    CONSTRAINT "relation_relation_id_fkey" FOREIGN KEY ("relation_id") REFERENCES "object" ("oid") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "fragment" (
    "fragment_id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "job_id" INTEGER NOT NULL,
    "fragment_type_mask" INTEGER NOT NULL,
    "distribution_type" TEXT NOT NULL,
    "parallelism" INTEGER NOT NULL,
    "vnode_count" INTEGER NOT NULL,
    "state_table_ids" JSONB NOT NULL,
    "upstream_fragment_ids" JSONB NOT NULL,
    CONSTRAINT "fragment_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "object" ("oid") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "user_privilege" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "user_id" INTEGER NOT NULL,
    "oid" INTEGER NOT NULL,
    "granted_by" INTEGER NOT NULL,
    "action" TEXT NOT NULL,
    "with_grant_option" BOOLEAN NOT NULL,
    CONSTRAINT "user_privilege_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "user" ("user_id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "user_privilege_granted_by_fkey" FOREIGN KEY ("granted_by") REFERENCES "user" ("user_id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "user_privilege_oid_fkey" FOREIGN KEY ("oid") REFERENCES "object" ("oid") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "catalog_version" (
    "name" TEXT NOT NULL PRIMARY KEY,
    "version" BIGINT NOT NULL
);

-- CreateTable
CREATE TABLE "system_parameter" (
    "name" TEXT NOT NULL PRIMARY KEY,
    "value" TEXT NOT NULL,
    "is_mutable" BOOLEAN NOT NULL,
    "description" TEXT
);

-- CreateTable
CREATE TABLE "session_parameter" (
    "name" TEXT NOT NULL PRIMARY KEY,
    "value" TEXT NOT NULL,
    "description" TEXT
);

-- CreateTable
CREATE TABLE "hummock_sequence" (
    "name" TEXT NOT NULL PRIMARY KEY,
    "seq" BIGINT NOT NULL
);

-- CreateTable
CREATE TABLE "hummock_version" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT DEFAULT 1,
    "version_id" BIGINT NOT NULL,
    "max_committed_epoch" BIGINT NOT NULL
);

-- CreateTable
CREATE TABLE "hummock_sstable_info" (
    "sst_id" BIGINT NOT NULL PRIMARY KEY,
    "object_id" BIGINT NOT NULL,
    "compaction_group_id" BIGINT NOT NULL,
    "level" INTEGER NOT NULL,
    "sub_level" INTEGER NOT NULL,
    "file_size" BIGINT NOT NULL,
    "table_ids" JSONB NOT NULL,
    "key_range_left" TEXT NOT NULL,
    "key_range_right" TEXT NOT NULL,
    "min_epoch" BIGINT NOT NULL,
    "max_epoch" BIGINT NOT NULL
);

-- CreateTable
CREATE TABLE "hummock_state_table_info" (
    "table_id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "committed_epoch" BIGINT NOT NULL,
    "compaction_group_id" BIGINT NOT NULL
);

-- CreateTable
CREATE TABLE "hummock_compaction_config" (
    "compaction_group_id" BIGINT NOT NULL PRIMARY KEY,
    "config" JSONB NOT NULL
);

-- CreateTable
CREATE TABLE "hummock_version_delta" (
    "id" BIGINT NOT NULL PRIMARY KEY,
    "prev_id" BIGINT NOT NULL,
    "max_committed_epoch" BIGINT NOT NULL,
    "trivial_move" BOOLEAN NOT NULL,
    "added_object_ids" JSONB NOT NULL,
    "removed_object_ids" JSONB NOT NULL
);

-- CreateTable
CREATE TABLE "hummock_pinned_version" (
    "context_id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "min_pinned_id" BIGINT NOT NULL
);

-- CreateTable
CREATE TABLE "hummock_version_safe_point" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "version_id" BIGINT NOT NULL,
    "holder" TEXT NOT NULL,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "backup_job" (
    "id" BIGINT NOT NULL PRIMARY KEY,
    "state" TEXT NOT NULL,
    "remarks" TEXT,
    "started_by" TEXT NOT NULL,
    "started_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" DATETIME,
    "heartbeat_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "error" TEXT,
    "rows_written" BIGINT NOT NULL DEFAULT 0,
    "bytes_written" BIGINT NOT NULL DEFAULT 0,
    "hummock_version_id" BIGINT
);

-- CreateIndex
CREATE UNIQUE INDEX "worker_host_port_key" ON "worker"("host", "port");

-- CreateIndex
CREATE UNIQUE INDEX "user_name_key" ON "user"("name");

-- CreateIndex
CREATE INDEX "object_database_id_idx" ON "object"("database_id");

-- CreateIndex
CREATE INDEX "object_schema_id_idx" ON "object"("schema_id");

-- CreateIndex
CREATE UNIQUE INDEX "database_name_key" ON "database"("name");

-- CreateIndex
CREATE UNIQUE INDEX "schema_database_id_name_key" ON "schema"("database_id", "name");

-- CreateIndex
CREATE INDEX "relation_kind_idx" ON "relation"("kind");

-- CreateIndex
CREATE INDEX "fragment_job_id_idx" ON "fragment"("job_id");

-- CreateIndex
CREATE INDEX "user_privilege_user_id_idx" ON "user_privilege"("user_id");

-- CreateIndex
CREATE INDEX "hummock_sstable_info_object_id_idx" ON "hummock_sstable_info"("object_id");

-- CreateIndex
CREATE UNIQUE INDEX "hummock_version_safe_point_holder_key" ON "hummock_version_safe_point"("holder");

-- CreateIndex
CREATE INDEX "backup_job_state_idx" ON "backup_job"("state");

