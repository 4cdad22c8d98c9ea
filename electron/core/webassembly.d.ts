// Node runs WebAssembly, but @types/node 20 does not declare it (TypeScript's DOM library does, and
// the engine is compiled without it). The parts the engine uses: series-memory.ts's kernels.
declare global {
  namespace WebAssembly {
    interface MemoryDescriptor {
      /** In pages of 64 KiB. */
      initial: number;
      maximum?: number;
    }
    class Memory {
      constructor(descriptor: MemoryDescriptor);
      /** Replaced (and the old one detached) by every grow. */
      readonly buffer: ArrayBuffer;
      /** Adds `pages` pages; returns the previous size in pages. */
      grow(pages: number): number;
    }
    class Module {
      constructor(bytes: ArrayBuffer | ArrayBufferView);
    }
    class Instance {
      constructor(module: Module, imports?: Record<string, Record<string, unknown>>);
      readonly exports: Record<string, unknown>;
    }
  }
}

export {};
