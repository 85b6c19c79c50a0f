// GraphQL documents the API tests share.

export const ENDPOINT_FIELDS = `id name description url eventTypes projects headers { name value } signatureScheme
  active disabledReason consecutiveFailures verifiedAt previousSecretExpiresAt createdAt updatedAt`;

// Each result union may only be spread with its own members.
const MESSAGE = '... on Error { message }';
const VALIDATION = '... on ValidationError { fields { path message } }';

export const CREATE_ENDPOINT = `mutation($input: CreateEndpointInput!) {
  createEndpoint(input: $input) { __typename ... on CreateEndpointPayload { secret endpoint { ${ENDPOINT_FIELDS} } } ${MESSAGE} ${VALIDATION} ... on LimitExceededError { limit } }
}`;

export const UPDATE_ENDPOINT = `mutation($input: UpdateEndpointInput!) {
  updateEndpoint(input: $input) { __typename ... on UpdateEndpointPayload { endpoint { ${ENDPOINT_FIELDS} } } ${MESSAGE} ${VALIDATION} }
}`;

export const ROTATE_SECRET = `mutation($input: RotateEndpointSecretInput!) {
  rotateEndpointSecret(input: $input) { __typename ... on RotateEndpointSecretPayload { secret endpoint { ${ENDPOINT_FIELDS} } } ${MESSAGE} ${VALIDATION} }
}`;

export const TOGGLE_ENDPOINT = `mutation($input: ToggleEndpointInput!) {
  toggleEndpoint(input: $input) { __typename ... on ToggleEndpointPayload { endpoint { ${ENDPOINT_FIELDS} } } ${MESSAGE} }
}`;

export const DELETE_ENDPOINT = `mutation($input: DeleteEndpointInput!) {
  deleteEndpoint(input: $input) { __typename ... on DeleteEndpointPayload { deletedEndpointId } ${MESSAGE} }
}`;

export const ENDPOINTS = `query($first: Int, $after: String, $filter: EndpointFilter) {
  endpoints(first: $first, after: $after, filter: $filter) {
    edges { cursor node { id name url active } }
    pageInfo { hasNextPage endCursor }
  }
}`;

export const NODE = `query($id: ID!) { node(id: $id) { __typename id ... on Endpoint { url } ... on Organization { slug } } }`;
