-- Teams and their members.
CREATE TABLE public.teams (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL,
  owner_id uuid NOT NULL REFERENCES auth.users (id)
);
ALTER TABLE public.teams ENABLE ROW LEVEL SECURITY;

CREATE TABLE public.team_members (
  team_id uuid REFERENCES public.teams (id) ON DELETE CASCADE,
  user_id uuid REFERENCES auth.users (id) ON DELETE CASCADE,
  PRIMARY KEY (team_id, user_id)
);
ALTER TABLE public.team_members ENABLE ROW LEVEL SECURITY;

-- security definer: reads team_members without recursing into its own policy
CREATE FUNCTION public.is_member(p_team uuid)
RETURNS boolean
LANGUAGE sql
SECURITY DEFINER
SET search_path = public
AS $$
  SELECT EXISTS (
    SELECT 1 FROM team_members m WHERE m.team_id = p_team AND m.user_id = auth.uid()
  );
$$;
REVOKE EXECUTE ON FUNCTION public.is_member(uuid) FROM anon;

CREATE POLICY "members read teams" ON public.teams
  FOR SELECT TO authenticated
  USING (public.is_member(id) OR owner_id = auth.uid());

CREATE POLICY "members read members" ON public.team_members
  FOR SELECT TO authenticated
  USING (public.is_member(team_id));

-- How many members a team has (read-only).
CREATE FUNCTION public.team_size(p_team uuid)
RETURNS bigint
LANGUAGE sql
SET search_path = ''
AS $$ SELECT count(*) FROM public.team_members WHERE team_id = p_team $$;

-- security definer: lets the owner remove a member past the members' policy
CREATE FUNCTION public.remove_member(p_team uuid, p_user uuid)
RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_owner uuid;
BEGIN
  SELECT t.owner_id INTO v_owner FROM public.teams t WHERE t.id = p_team;
  IF auth.uid() <> v_owner THEN
    RAISE EXCEPTION 'only the owner can remove members' USING ERRCODE = '42501';
  END IF;
  DELETE FROM public.team_members WHERE team_id = p_team AND user_id = p_user;
END;
$$;
REVOKE ALL ON FUNCTION public.remove_member(uuid, uuid) FROM public, anon;
GRANT EXECUTE ON FUNCTION public.remove_member(uuid, uuid) TO authenticated;
