-- expect: SK116
-- SPEC: a credential (JWT, bearer token, key, URL with a password) written in SQL that reaches
-- the database; the finding names what it is and where, never the secret.

alter role authenticator set app.settings.service_key = 'sb_secret_Zm9vYmFyYmF6cXV4MTIzNDU2';
