PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  label TEXT,
  spec TEXT NOT NULL,
  requires TEXT NOT NULL,
  state TEXT NOT NULL,
  worker TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  staged_at INTEGER,
  started_at INTEGER,
  ended_at INTEGER,
  exit_code INTEGER,
  assignment TEXT,
  reason TEXT);
INSERT INTO runs VALUES(1,'train-a','{"argv":["python","train.py","--lr","0.1"],"shell":false,"cwd":"/home/u/exp","env":{"SEED":"1"},"tags":["dask:gpu=1"],"label":"train-a","requires":{"gpu":1}}','{"gpu":1}','completed','node1-1',1,1700000000000,1700000002000,1700000003000,0,NULL,NULL);
INSERT INTO runs VALUES(2,'shell-b','{"argv":["echo hello; exit 3"],"shell":true,"cwd":"/home/u","env":{},"tags":[],"label":"shell-b","requires":{}}','{}','error','node1-1',1,1700000000000,1700000002500,1700000004000,3,NULL,'exited with status 3');
INSERT INTO runs VALUES(3,NULL,'{"argv":["sleep","600"],"shell":false,"cwd":"/tmp","env":{},"tags":["dask:foo=5"],"label":null,"requires":{"foo":5}}','{"foo":5}','running','node2-1',1,1700000000000,1700000005000,NULL,NULL,'{"resources":{"foo":5},"gpuIds":[]}',NULL);
INSERT INTO runs VALUES(4,'later','{"argv":["true"],"shell":false,"cwd":"/tmp","env":{},"tags":[],"label":"later","requires":{}}','{}','staged',NULL,0,1700000001000,NULL,NULL,NULL,NULL,NULL);
CREATE TABLE transitions (
  run_id INTEGER NOT NULL,
  from_state TEXT,
  to_state TEXT NOT NULL,
  worker TEXT,
  exit_code INTEGER,
  attempts INTEGER NOT NULL,
  at INTEGER NOT NULL);
INSERT INTO transitions VALUES(1,'staged','running','node1-1',NULL,1,1700000002000);
INSERT INTO transitions VALUES(1,'running','completed','node1-1',0,1,1700000003000);
INSERT INTO transitions VALUES(2,'staged','running','node1-1',NULL,1,1700000002500);
INSERT INTO transitions VALUES(2,'running','error','node1-1',3,1,1700000004000);
INSERT INTO transitions VALUES(3,'staged','running','node2-1',NULL,1,1700000005000);
CREATE TABLE requests (
  request_id TEXT PRIMARY KEY,
  first_id INTEGER NOT NULL,
  count INTEGER NOT NULL,
  at INTEGER NOT NULL);
INSERT INTO requests VALUES('req-0001',1,3,1700000000000);
CREATE TABLE store_probe (id INTEGER PRIMARY KEY, at INTEGER NOT NULL);
DELETE FROM sqlite_sequence;
INSERT INTO sqlite_sequence VALUES('runs',4);
CREATE INDEX runs_state ON runs(state);
COMMIT;
