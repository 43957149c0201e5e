-- "An officer asked for money or behaved badly" (MISCONDUCT) goes straight to the state level and is marked for the
-- vigilance cell. IF NOT EXISTS: the escalation ladder (0012) may add the same column; either order leaves one.
ALTER TABLE escalations ADD COLUMN IF NOT EXISTS vigilance boolean NOT NULL DEFAULT false;
