-- Run once by the postgres image on an empty data directory: the five service
-- databases (database-per-service), owned by POSTGRES_USER.
CREATE DATABASE orders;
CREATE DATABASE inventory;
CREATE DATABASE payments;
CREATE DATABASE orchestrator;
CREATE DATABASE coordinator;
