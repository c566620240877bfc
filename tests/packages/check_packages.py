#!/usr/bin/env python3
"""Fails when a build used something that ./dev would not install on a fresh Debian 12 machine.

What the build used: the paths CMake found (PATH and FILEPATH entries of CMakeCache.txt, the
*_DIR package folders among them) and the shared libraries its programs load (ldd). Each is mapped
to the Debian package that ships it (dpkg-query -S). A package passes when ./dev lists it, when it
is in the Depends closure of that list (apt-cache depends --recurse), or when it is part of a base
system (Essential or Priority: required, git, sudo).

usage: check_packages.py BUILD_DIR SOURCE_DIR [--sdk] [--without PACKAGE]...
"""
import os
import re
import subprocess
import sys

BASE = {"git", "sudo"}
APT_DEPENDS = ["apt-cache", "depends", "--recurse", "--no-recommends", "--no-suggests",
               "--no-conflicts", "--no-breaks", "--no-replaces", "--no-enhances"]


def run(args):
    return subprocess.run(args, capture_output=True, text=True).stdout


def listed_packages(source, sdk, without):
    args = [os.path.join(source, "dev"), "packages"] + (["--sdk"] if sdk else [])
    names = run(args).split()
    if not names:
        sys.exit("check_packages: ./dev printed no package list")
    return [n for n in names if n not in without]


def allowed_packages(listed):
    allowed = set(listed) | BASE
    for line in run(APT_DEPENDS + listed).splitlines():
        if line and not line[0].isspace() and not line.startswith("<"):
            allowed.add(line.split(":")[0])
    for line in run(["dpkg-query", "-W", "-f=${Package} ${Essential} ${Priority}\n"]).splitlines():
        name, essential, priority = (line.split() + ["", ""])[:3]
        if essential == "yes" or priority == "required":
            allowed.add(name)
    return allowed


def cache_paths(build, source):
    """Absolute paths CMake found and the build uses, each with the cache entry that names it."""
    found = {}
    linked = link_lines(build)
    entry = re.compile(r"^([A-Za-z0-9_.+-]+):(PATH|FILEPATH)=(/.*)$")
    with open(os.path.join(build, "CMakeCache.txt")) as cache:
        for line in cache:
            m = entry.match(line.strip())
            if not m or m.group(1).startswith("CMAKE_INSTALL_"):
                continue
            name, path = m.group(1), m.group(3)
            if not os.path.exists(path) or inside(path, build, source):
                continue
            if name.endswith("_DIR") and m.group(2) == "PATH":
                path = package_config(name[:-4], path)
            elif re.search(r"\.(so|a)(\.[0-9.]+)?$", path) and path not in linked:
                continue  # found by a Find module on this machine, linked by nothing
            found.setdefault(path, name)
    return found


def package_config(package, folder):
    """The config file of a CMake package folder: the folder itself may be shared by several."""
    for name in (package + "Config.cmake", package.lower() + "-config.cmake"):
        if os.path.exists(os.path.join(folder, name)):
            return os.path.join(folder, name)
    return folder


def link_lines(build):
    """The build's link commands (Ninja's build.ninja, or Makefiles' link.txt files)."""
    text = []
    for folder, _, files in os.walk(build):
        for name in files:
            if name in ("build.ninja", "link.txt"):
                with open(os.path.join(folder, name), errors="replace") as f:
                    text.append(f.read())
    return "\n".join(text)


def loaded_libraries(build):
    """Shared libraries the build's programs and libraries load directly (their NEEDED entries),
    each with one that loads it. What those load in turn comes with their packages' Depends."""
    system = {}
    for line in run(["ldconfig", "-p"]).splitlines():
        m = re.match(r"\s*(\S+) \(([^)]*)\) => (\S+)", line)
        if m and ("x86-64" in m.group(2)) == (os.uname().machine == "x86_64"):
            system.setdefault(m.group(1), m.group(3))
    built, needed = set(), {}
    for folder, subfolders, files in os.walk(build):
        # A build tree nested in this one (tests build some) is not this build.
        subfolders[:] = [s for s in subfolders
                         if not os.path.exists(os.path.join(folder, s, "CMakeCache.txt"))]
        for name in files:
            path = os.path.join(folder, name)
            built.add(name)
            if not is_elf(path):
                continue
            for m in re.finditer(r"\(NEEDED\)\s+Shared library: \[([^]]+)\]", run(["readelf", "-d", path])):
                needed.setdefault(m.group(1), os.path.relpath(path, build))
    found = {}
    for name, user in needed.items():
        if name in built:
            continue
        found.setdefault(system.get(name, "not found: " + name), user)
    return found


def is_elf(path):
    if os.path.islink(path) or not os.access(path, os.X_OK) and not path.endswith(".so"):
        return False
    with open(path, "rb") as f:
        return f.read(4) == b"\x7fELF"


def inside(path, *folders):
    real = os.path.realpath(path)
    return any(real.startswith(os.path.realpath(f) + os.sep) for f in folders)


def candidates(path):
    """The names dpkg may know a path by: as given, resolved, and either side of the /usr merge."""
    names = [path, os.path.realpath(path)]
    for p in list(names):
        if p.startswith("/usr/"):
            names.append(p[4:])
        else:
            names.append("/usr" + p)
    return list(dict.fromkeys(names))


def owners(paths):
    """path -> set of packages shipping it, from one dpkg-query call."""
    queries = {c: p for p in paths for c in candidates(p)}
    result = {p: set() for p in paths}
    out = run(["dpkg-query", "-S"] + list(queries))
    for line in out.splitlines():
        if line.startswith("diversion by"):
            continue
        packages, _, file = line.rpartition(": ")
        if file in queries:
            result[queries[file]] |= {p.strip().split(":")[0] for p in packages.split(",")}
    return result


def main():
    args = sys.argv[1:]
    sdk = "--sdk" in args
    without = {args[i + 1] for i, a in enumerate(args) if a == "--without"}
    positional = [a for i, a in enumerate(args)
                  if not a.startswith("--") and (i == 0 or args[i - 1] != "--without")]
    if len(positional) != 2:
        sys.exit(__doc__.strip().splitlines()[-1])
    build, source = positional
    listed = listed_packages(source, sdk, without)
    allowed = allowed_packages(listed)

    used = cache_paths(build, source)
    for path, user in loaded_libraries(build).items():
        used.setdefault(path, user)
    problems = []
    for path, user in sorted(used.items()):
        if path.startswith("not found: "):
            problems.append(f"{user} loads {path[11:]}, which is not installed")
    shipped = owners([p for p in used if not p.startswith("not found: ")])
    missing = {}
    for path, packages in sorted(shipped.items()):
        if not packages:
            problems.append(f"{path} ({used[path]}) comes from no Debian package: "
                            "./dev cannot install it on a fresh machine")
        elif not packages & allowed:
            missing.setdefault(" or ".join(sorted(packages)), []).append(f"{path} ({used[path]})")
    for package, paths in sorted(missing.items()):
        problems.append(f"./dev's package list lacks {package}, which ships " + ", ".join(paths[:3])
                        + (f" and {len(paths) - 3} more" if len(paths) > 3 else ""))

    what = "SDK package list" if sdk else "package list"
    print(f"check_packages: {len(used)} paths the build uses; {len(listed)} packages listed, {len(allowed)} "
          "with their dependencies and the base system")
    for problem in problems:
        print("check_packages: " + problem)
    if problems:
        print(f"check_packages: FAIL: add the packages above to ./dev's {what}")
        return 1
    print(f"check_packages: every package this build uses is installed by ./dev's {what}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
