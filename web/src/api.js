// The UI's only way to the data: the public GraphQL API at /graphql, with the user's
// bearer token. The UI can show nothing the API would refuse this token.

const TOKEN_KEY = "cmdb-token";

export class ApiError extends Error {}
export class NotSignedIn extends ApiError {}

export function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function signOut() {
  sessionStorage.removeItem(TOKEN_KEY);
}

/** Check a token with the API (viewer) and keep it for this browser tab. */
export async function signIn(candidate) {
  const viewer = await gql("query { viewer { name role permissions } }", {}, candidate.trim());
  sessionStorage.setItem(TOKEN_KEY, candidate.trim());
  return viewer.viewer;
}

/** Run a query or mutation; its data, or an ApiError with the API's messages. */
export async function gql(query, variables = {}, bearer = token()) {
  if (!bearer) throw new NotSignedIn("not signed in");
  let response;
  try {
    response = await fetch("/graphql", {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${bearer}` },
      body: JSON.stringify({ query, variables }),
    });
  } catch (error) {
    throw new ApiError(`the server cannot be reached: ${error.message}`);
  }
  if (response.status === 401) {
    throw new NotSignedIn(await message(response, "the token was refused"));
  }
  const body = await response.json().catch(() => null);
  if (body?.errors?.length) {
    throw new ApiError(body.errors.map((e) => e.message).join("; "));
  }
  if (!response.ok || !body) {
    throw new ApiError(await message(response, `the server answered ${response.status}`));
  }
  return body.data;
}

/** A multipart GraphQL request (the upload spec) for one file variable `file`. */
export async function gqlUpload(query, variables, file) {
  const form = new FormData();
  form.append("operations", JSON.stringify({ query, variables: { ...variables, file: null } }));
  form.append("map", JSON.stringify({ 0: ["variables.file"] }));
  form.append("0", file, file.name);
  const response = await fetch("/graphql", {
    method: "POST",
    headers: { Authorization: `Bearer ${token()}` },
    body: form,
  });
  if (response.status === 401) throw new NotSignedIn("the token was refused");
  const body = await response.json().catch(() => null);
  if (body?.errors?.length) throw new ApiError(body.errors.map((e) => e.message).join("; "));
  if (!body) throw new ApiError(`the server answered ${response.status}`);
  return body.data;
}

async function message(response, fallback) {
  try {
    const body = await response.clone().json();
    return body?.errors?.map((e) => e.message).join("; ") || body?.error || fallback;
  } catch {
    return fallback;
  }
}

let viewerCache = null;

/** Who this token is (name, role, permissions), read once per page load. */
export async function viewer() {
  if (!viewerCache) viewerCache = (await gql("query { viewer { name role permissions } }")).viewer;
  return viewerCache;
}

export function forgetViewer() {
  viewerCache = null;
}
