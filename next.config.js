/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // The core and its generated Prisma clients are TypeScript with explicit .ts imports.
  typescript: { tsconfigPath: './tsconfig.json' },
};

export default nextConfig;
