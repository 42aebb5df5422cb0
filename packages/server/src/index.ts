export { type BuildAppOptions, buildApp } from './app/build-app.ts';
export { RedisBus } from './bus/redis-bus.ts';
export type { MeshContext, MeshMode, MeshPart, PartHandle } from './mesh/part.ts';
export { type Mesh, type StartMeshOptions, startMesh } from './mesh/start-mesh.ts';
