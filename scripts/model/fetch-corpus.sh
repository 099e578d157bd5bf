#!/usr/bin/env bash
# Step 1 of `npm run train:model`: download the corpus packages from Debian (apt-get download:
# no installation, no dependencies pulled in) and unpack each into <dir>/pkgs/<package>.
# The selection is deterministic: every k-th package of each family, in name order, after
# dropping everything scripts/model/exclude.txt names (semble's benchmark repositories).
# Usage: fetch-corpus.sh <dir>   (writes <dir>/packages.txt: package version, one a line)
set -euo pipefail
dir=${1:?usage: fetch-corpus.sh <dir>}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$dir/debs" "$dir/pkgs"
dir=$(cd "$dir" && pwd)

# Standard libraries and large, well-documented source trees, one per language where Debian has one.
fixed=(golang-1.19-src rust-src libpython3.11-stdlib libpython3.11-minimal openjdk-17-source
  node-typescript libruby3.1 glibc-source binutils-source libeigen3-dev libglm-dev
  libboost1.81-dev libcereal-dev libcli11-dev libdoctest-dev libpugixml-dev librapidjson-dev
  libgtest-dev libjsoncpp-dev libtinyxml2-dev libglib2.0-dev libsdl2-dev libxml2-dev
  libmsgsl-dev librange-v3-dev libcatch2-dev)

# family regex, how many to take
families=(
  '^golang-.*-dev$ 450'
  '^librust-.*-dev$ 450'
  '^python3-[a-z0-9.-]+$ 650'
  '^node-[a-z0-9.-]+$ 450'
  '^ruby-[a-z0-9.-]+$ 300'
  '^php-[a-z0-9.-]+$ 250'
)

# The exclusion words as one extended regex over normalised names.
excl=$(grep -v '^#' "$here/exclude.txt" | sed '/^$/d; s/\*$/.*/' | paste -sd'|')
normalise() { sed -E 's/^(golang-github-|golang-golang-x-|golang-gopkg-|golang-|librust-|python3-|node-|ruby-|php-)//; s/-(dev|java|doc)$//; s/_/-/g'; }

: > "$dir/selection.txt"
for f in "${families[@]}"; do
  re=${f% *}; n=${f##* }
  apt-cache pkgnames | grep -E "$re" | sort > "$dir/family.tmp"
  # drop excluded names: the normalised name, or any dash-separated tail of it, matches a word
  while read -r p; do
    name=$(echo "$p" | normalise)
    bad=0
    rest=$name
    while :; do
      if echo "$rest" | grep -qxE "($excl)"; then bad=1; break; fi
      [[ $rest == *-* ]] || break
      rest=${rest#*-}
    done
    [[ $bad == 0 ]] && echo "$p"
  done < "$dir/family.tmp" > "$dir/family.kept"
  total=$(wc -l < "$dir/family.kept")
  step=$(( total / n )); (( step < 1 )) && step=1
  awk -v s="$step" -v n="$n" 'NR % s == 0 && c < n { print; c++ }' "$dir/family.kept" >> "$dir/selection.txt"
done
printf '%s\n' "${fixed[@]}" >> "$dir/selection.txt"
rm -f "$dir/family.tmp" "$dir/family.kept"

cd "$dir/debs"
# apt-get download stops at the first unknown name; feed it in chunks and carry on.
xargs -n 50 apt-get download -q < "$dir/selection.txt" >/dev/null 2>&1 || true
for p in $(cat "$dir/selection.txt"); do
  ls "$dir/debs/${p}_"*.deb >/dev/null 2>&1 || apt-get download -q "$p" >/dev/null 2>&1 || echo "skip $p (not downloadable)" >&2
done

: > "$dir/packages.txt"
for deb in "$dir"/debs/*.deb; do
  p=$(dpkg-deb -f "$deb" Package); v=$(dpkg-deb -f "$deb" Version)
  out="$dir/pkgs/$p"
  if [[ ! -d $out ]]; then
    mkdir -p "$out"
    dpkg-deb -x "$deb" "$out"
    # *-source packages carry their tree as a tarball under /usr/src
    if [[ -d $out/usr/src ]]; then
      find "$out/usr/src" -maxdepth 2 -name '*.tar.*' | while read -r t; do tar -xf "$t" -C "$(dirname "$t")" && rm -f "$t"; done
    fi
    # the JDK's sources come as a zip
    find "$out" -name src.zip | while read -r z; do (cd "$(dirname "$z")" && python3 -c "import zipfile,sys; zipfile.ZipFile(sys.argv[1]).extractall('src')" "$z" && rm -f "$z"); done
    # never follow links out of the package
    find "$out" -type l -delete
  fi
  echo "$p $v" >> "$dir/packages.txt"
done
echo "fetched $(wc -l < "$dir/packages.txt") packages into $dir/pkgs" >&2
