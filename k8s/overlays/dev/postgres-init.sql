-- The five service databases (database-per-service), owned by POSTGRES_USER.
-- Same as docker/postgres/init-databases.sql (kustomize cannot read files outside k8s/).
CREATE DATABASE orders;
CREATE DATABASE inventory;
CREATE DATABASE payments;
CREATE DATABASE orchestrator;
CREATE DATABASE coordinator;
