import { createRequire } from 'node:module';
import { runProcess } from './run.js';

/** How to get ffmpeg when neither the PATH nor the optional npm package has one. */
export const FFMPEG_INSTALL_HINT =
  'apt-get install ffmpeg (or npm install, which brings @ffmpeg-installer/ffmpeg)';

/**
 * The binary shipped by the optional dependency `@ffmpeg-installer/ffmpeg` (a static build for this
 * platform), or null when npm did not install it (another platform, or --no-optional).
 */
export const bundledFfmpeg = (): string | null => {
  try {
    const mod = createRequire(import.meta.url)('@ffmpeg-installer/ffmpeg') as { path?: unknown };
    return typeof mod.path === 'string' ? mod.path : null;
  } catch {
    return null;
  }
};

/** The first candidate that runs `-version`, or null. */
export const firstRunnableFfmpeg = async (candidates: readonly string[]): Promise<string | null> => {
  for (const c of candidates) {
    try {
      const r = await runProcess(c, ['-hide_banner', '-version'], { timeoutMs: 10_000 });
      if (r.code === 0) return c;
    } catch {
      // not installed here: try the next one
    }
  }
  return null;
};

let chosen: Promise<string> | null = null;

/**
 * The ffmpeg to run: the system's when one is on the PATH (Debian's is newer and patched), else the
 * bundled static build. Resolved once per process. When neither runs, 'ffmpeg', so the failure names the
 * tool and how to install it.
 */
export const ffmpegCommand = (): Promise<string> =>
  (chosen ??= (async () => {
    const bundled = bundledFfmpeg();
    return (await firstRunnableFfmpeg(bundled ? ['ffmpeg', bundled] : ['ffmpeg'])) ?? 'ffmpeg';
  })());
