-- Rate limits: PostgreSQL shares them between instances in a table (0015 there); the one
-- instance of a SQLite file keeps them in memory, so there is nothing to create here. The file
-- keeps both backends' migrations numbered alike.
SELECT 1;
