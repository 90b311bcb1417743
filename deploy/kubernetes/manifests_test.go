package kubernetes_test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"

	"jobboard/internal/config"
)

// kinds maps every kind the folder may hold to its apiVersion and API type.
// A document of any other kind fails the tests: add it here when a manifest
// of a new kind is added.
var kinds = map[string]struct {
	apiVersion string
	newObject  func() any
}{
	"Deployment":              {"apps/v1", func() any { return &appsv1.Deployment{} }},
	"Service":                 {"v1", func() any { return &corev1.Service{} }},
	"Secret":                  {"v1", func() any { return &corev1.Secret{} }},
	"ConfigMap":               {"v1", func() any { return &corev1.ConfigMap{} }},
	"HorizontalPodAutoscaler": {"autoscaling/v2", func() any { return &autoscalingv2.HorizontalPodAutoscaler{} }},
	"PodDisruptionBudget":     {"policy/v1", func() any { return &policyv1.PodDisruptionBudget{} }},
}

// manifest is one decoded YAML document.
type manifest struct {
	where string // "file.yaml#2" for messages
	kind  string
	obj   any // pointer to the API type of kind
}

// decodeDocument decodes one YAML document strictly (unknown or duplicate
// fields are errors) into the API type of its kind. It returns a nil object
// and no error for a document that holds nothing (only comments).
func decodeDocument(doc []byte) (kind string, obj any, err error) {
	js, err := yaml.YAMLToJSON(doc)
	if err != nil {
		return "", nil, fmt.Errorf("not YAML: %w", err)
	}
	if s := string(bytes.TrimSpace(js)); s == "null" || s == "" {
		return "", nil, nil
	}
	var tm metav1.TypeMeta
	if err := yaml.Unmarshal(doc, &tm); err != nil {
		return "", nil, fmt.Errorf("reading apiVersion and kind: %w", err)
	}
	k, ok := kinds[tm.Kind]
	if !ok {
		return "", nil, fmt.Errorf("unknown kind %q", tm.Kind)
	}
	if tm.APIVersion != k.apiVersion {
		return "", nil, fmt.Errorf("%s has apiVersion %q, want %q", tm.Kind, tm.APIVersion, k.apiVersion)
	}
	obj = k.newObject()
	if err := yaml.UnmarshalStrict(doc, obj); err != nil {
		return "", nil, fmt.Errorf("decoding %s strictly: %w", tm.Kind, err)
	}
	return tm.Kind, obj, nil
}

// readManifests decodes every document of every *.yaml file in dir; each
// problem is one error naming the file and document number.
func readManifests(dir string) ([]manifest, []error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		return nil, []error{err}
	}
	if len(files) == 0 {
		return nil, []error{fmt.Errorf("no *.yaml manifests in %s", dir)}
	}
	var out []manifest
	var errs []error
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		r := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
		for i := 1; ; i++ {
			doc, err := r.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			where := fmt.Sprintf("%s#%d", filepath.Base(file), i)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: splitting documents: %w", where, err))
				break
			}
			kind, obj, err := decodeDocument(doc)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", where, err))
				continue
			}
			if obj != nil {
				out = append(out, manifest{where: where, kind: kind, obj: obj})
			}
		}
	}
	return out, errs
}

// loadManifests returns the manifests of this folder, failing the test on
// any problem.
func loadManifests(t *testing.T) []manifest {
	t.Helper()
	ms, errs := readManifests(".")
	for _, err := range errs {
		t.Error(err)
	}
	if len(errs) > 0 {
		t.FailNow()
	}
	return ms
}

// only returns the single manifest of type T, failing unless there is exactly one.
func only[T any](t *testing.T, ms []manifest) *T {
	t.Helper()
	var found []*T
	for _, m := range ms {
		if o, ok := m.obj.(*T); ok {
			found = append(found, o)
		}
	}
	if len(found) != 1 {
		var zero T
		t.Fatalf("want exactly one %T manifest, found %d", zero, len(found))
	}
	return found[0]
}

// jobboardContainer returns the Deployment's jobboard container.
func jobboardContainer(t *testing.T, d *appsv1.Deployment) *corev1.Container {
	t.Helper()
	cs := d.Spec.Template.Spec.Containers
	for i := range cs {
		if cs[i].Name == "jobboard" {
			return &cs[i]
		}
	}
	t.Fatalf("Deployment %q has no container named jobboard", d.Name)
	return nil
}

// containerPort resolves a probe or Service port (name or number) against
// the container's declared ports.
func containerPort(c *corev1.Container, p intstr.IntOrString) (int32, bool) {
	for _, cp := range c.Ports {
		if (p.Type == intstr.String && p.StrVal == cp.Name) || (p.Type == intstr.Int && p.IntVal == cp.ContainerPort) {
			return cp.ContainerPort, true
		}
	}
	return 0, false
}

// selects reports whether every label of the selector is on the pod template.
func selects(sel *metav1.LabelSelector, podLabels map[string]string) bool {
	if sel == nil || len(sel.MatchLabels) == 0 || len(sel.MatchExpressions) > 0 {
		return false
	}
	for k, v := range sel.MatchLabels {
		if podLabels[k] != v {
			return false
		}
	}
	return true
}

func TestDecodeDocumentRejectsMistakes(t *testing.T) {
	good := "apiVersion: v1\nkind: Service\nmetadata:\n  name: x\nspec:\n  ports:\n    - port: 80\n"
	if kind, obj, err := decodeDocument([]byte(good)); err != nil || kind != "Service" || obj == nil {
		t.Fatalf("valid Service: got %q %v, %v", kind, obj, err)
	}
	if _, obj, err := decodeDocument([]byte("# only a comment\n")); err != nil || obj != nil {
		t.Errorf("comment-only document: got %v, %v; want nothing", obj, err)
	}
	bad := map[string]string{
		"unknown kind":         "apiVersion: v1\nkind: Servce\nmetadata:\n  name: x\n",
		"missing kind":         "apiVersion: v1\nmetadata:\n  name: x\n",
		"wrong apiVersion":     "apiVersion: apps/v1beta1\nkind: Deployment\nmetadata:\n  name: x\n",
		"misspelled field":     "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\nspec:\n  replica: 2\n",
		"misplaced field":      "apiVersion: v1\nkind: Service\nmetadata:\n  name: x\n  ports: []\n",
		"duplicate field":      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  A: one\n  A: two\n",
		"wrong value type":     "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\nspec:\n  replicas: two\n",
		"malformed quantity":   "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\nspec:\n  template:\n    spec:\n      containers:\n        - name: c\n          resources:\n            limits:\n              cpu: 50mm\n",
		"not YAML":             "apiVersion: v1\nkind: [Service\n",
		"list instead of map":  "- apiVersion: v1\n  kind: Service\n",
		"probe port misspelt":  "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\nspec:\n  template:\n    spec:\n      containers:\n        - name: c\n          readinessProbe:\n            httpGet:\n              paht: /readyz\n",
		"HPA target misspelt":  "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: x\nspec:\n  scaleTargetRef:\n    knd: Deployment\n",
		"secret data not b64":  "apiVersion: v1\nkind: Secret\nmetadata:\n  name: x\ndata:\n  K: not base64!\n",
		"configmap non-string": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  A:\n    nested: map\n",
	}
	for name, doc := range bad {
		t.Run(name, func(t *testing.T) {
			if _, obj, err := decodeDocument([]byte(doc)); err == nil {
				t.Errorf("decoded %#v without error", obj)
			}
		})
	}
}

func TestReadManifestsSplitsMultiDocumentFiles(t *testing.T) {
	dir := t.TempDir()
	multi := "# header comment\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\n# only a comment\n---\n" +
		"apiVersion: v1\nkind: Service\nmetadata:\n  name: b\n---\napiVersion: v1\nkind: Servic\nmetadata:\n  name: c\n"
	if err := os.WriteFile(filepath.Join(dir, "all.yaml"), []byte(multi), 0o600); err != nil {
		t.Fatal(err)
	}
	ms, errs := readManifests(dir)
	var got []string
	for _, m := range ms {
		got = append(got, m.where+" "+m.kind)
	}
	want := []string{"all.yaml#2 ConfigMap", "all.yaml#4 Service"}
	if !slices.Equal(got, want) {
		t.Errorf("manifests = %q, want %q", got, want)
	}
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), `all.yaml#5: unknown kind "Servic"`) {
		t.Errorf("errors = %v, want one naming all.yaml#5 and the unknown kind", errs)
	}
}

func TestEveryManifestDecodesStrictly(t *testing.T) {
	ms := loadManifests(t)
	seen := map[string]int{}
	for _, m := range ms {
		seen[m.kind]++
		meta, ok := m.obj.(metav1.ObjectMetaAccessor)
		if !ok || meta.GetObjectMeta().GetName() == "" {
			t.Errorf("%s: %s has no metadata.name", m.where, m.kind)
		}
	}
	for _, kind := range []string{"Deployment", "Service", "Secret", "ConfigMap", "HorizontalPodAutoscaler"} {
		if seen[kind] == 0 {
			t.Errorf("no %s manifest in deploy/kubernetes", kind)
		}
	}
}

func TestDeploymentReplicasProbesAndResources(t *testing.T) {
	d := only[appsv1.Deployment](t, loadManifests(t))
	if d.Spec.Replicas == nil || *d.Spec.Replicas != 2 {
		t.Errorf("replicas = %v, want 2", d.Spec.Replicas)
	}
	if !selects(d.Spec.Selector, d.Spec.Template.Labels) {
		t.Errorf("selector %v does not match the pod template labels %v", d.Spec.Selector, d.Spec.Template.Labels)
	}
	c := jobboardContainer(t, d)
	if c.Image == "" {
		t.Error("container has no image")
	}
	port, ok := containerPort(c, intstr.FromString("http"))
	if !ok || port != 8080 {
		t.Errorf("container port named http = %d (found %v), want 8080", port, ok)
	}
	for _, p := range []struct {
		name  string
		probe *corev1.Probe
		path  string
	}{
		{"readinessProbe", c.ReadinessProbe, "/readyz"},
		{"livenessProbe", c.LivenessProbe, "/healthz"},
	} {
		if p.probe == nil || p.probe.HTTPGet == nil {
			t.Errorf("%s: want an httpGet probe, got %+v", p.name, p.probe)
			continue
		}
		g := p.probe.HTTPGet
		if g.Path != p.path {
			t.Errorf("%s path = %q, want %q", p.name, g.Path, p.path)
		}
		if got, ok := containerPort(c, g.Port); !ok || got != 8080 {
			t.Errorf("%s port %s is not the container's port 8080", p.name, g.Port.String())
		}
		if g.Scheme != "" && g.Scheme != corev1.URISchemeHTTP {
			t.Errorf("%s scheme = %s, want HTTP (jobboard serves plain HTTP behind the proxy)", p.name, g.Scheme)
		}
	}
	for _, name := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
		req, hasReq := c.Resources.Requests[name]
		lim, hasLim := c.Resources.Limits[name]
		if !hasReq || !hasLim {
			t.Errorf("%s: request set %v, limit set %v; want both", name, hasReq, hasLim)
			continue
		}
		if req.IsZero() || req.Cmp(lim) > 0 {
			t.Errorf("%s: request %s must be positive and not above limit %s", name, req.String(), lim.String())
		}
	}
	// Below 64Mi a Go server with gin and templ risks OOM kills under load.
	if lim := c.Resources.Limits[corev1.ResourceMemory]; lim.Cmp(resource.MustParse("64Mi")) < 0 {
		t.Errorf("memory limit %s is below 64Mi", lim.String())
	}
	grace := d.Spec.Template.Spec.TerminationGracePeriodSeconds
	if grace == nil || *grace <= 15 {
		t.Errorf("terminationGracePeriodSeconds = %v, want more than the 15s shutdown timeout", grace)
	}
}

func TestDeploymentRunsLockedDown(t *testing.T) {
	d := only[appsv1.Deployment](t, loadManifests(t))
	pod := d.Spec.Template.Spec
	c := jobboardContainer(t, d)
	psc := pod.SecurityContext
	if psc == nil {
		psc = &corev1.PodSecurityContext{}
	}
	csc := c.SecurityContext
	if csc == nil {
		t.Fatal("container has no securityContext")
	}
	// The container's setting wins over the pod's.
	nonRoot, uid, seccomp := psc.RunAsNonRoot, psc.RunAsUser, psc.SeccompProfile
	if csc.RunAsNonRoot != nil {
		nonRoot = csc.RunAsNonRoot
	}
	if csc.RunAsUser != nil {
		uid = csc.RunAsUser
	}
	if csc.SeccompProfile != nil {
		seccomp = csc.SeccompProfile
	}
	if nonRoot == nil || !*nonRoot {
		t.Error("runAsNonRoot is not true")
	}
	if uid == nil || *uid != 65532 {
		t.Errorf("runAsUser = %v, want 65532 (distroless nonroot)", uid)
	}
	if seccomp == nil || seccomp.Type != corev1.SeccompProfileTypeRuntimeDefault {
		t.Errorf("seccompProfile = %+v, want RuntimeDefault", seccomp)
	}
	if csc.ReadOnlyRootFilesystem == nil || !*csc.ReadOnlyRootFilesystem {
		t.Error("readOnlyRootFilesystem is not true")
	}
	if csc.AllowPrivilegeEscalation == nil || *csc.AllowPrivilegeEscalation {
		t.Error("allowPrivilegeEscalation is not false")
	}
	if csc.Capabilities == nil || !slices.Contains(csc.Capabilities.Drop, "ALL") || len(csc.Capabilities.Add) > 0 {
		t.Errorf("capabilities = %+v, want drop ALL and add none", csc.Capabilities)
	}
	if csc.Privileged != nil && *csc.Privileged {
		t.Error("container is privileged")
	}
}

// TestDeploymentSettingsAreValid resolves the container's environment from
// the ConfigMap and plain values and runs it through jobboard's own config
// parser, so a misspelt variable name or a bad value fails here rather than
// in a crash-looping pod.
func TestDeploymentSettingsAreValid(t *testing.T) {
	ms := loadManifests(t)
	d := only[appsv1.Deployment](t, ms)
	cm := only[corev1.ConfigMap](t, ms)
	secret := only[corev1.Secret](t, ms)
	c := jobboardContainer(t, d)

	var usage bytes.Buffer
	config.Usage(&usage)
	env := map[string]string{}
	for _, e := range c.Env {
		if !strings.Contains(usage.String(), " "+e.Name+" ") {
			t.Errorf("env %s is not a jobboard setting (see jobboard -h)", e.Name)
		}
		switch {
		case e.ValueFrom == nil:
			env[e.Name] = e.Value
		case e.ValueFrom.ConfigMapKeyRef != nil:
			ref := e.ValueFrom.ConfigMapKeyRef
			v, ok := cm.Data[ref.Key]
			if ref.Name != cm.Name || !ok {
				t.Errorf("env %s refers to ConfigMap %s key %s, which configmap.yaml does not define", e.Name, ref.Name, ref.Key)
			}
			env[e.Name] = v
		case e.ValueFrom.SecretKeyRef != nil:
			ref := e.ValueFrom.SecretKeyRef
			_, inString := secret.StringData[ref.Key]
			_, inData := secret.Data[ref.Key]
			if ref.Name != secret.Name || (!inString && !inData) {
				t.Errorf("env %s refers to Secret %s key %s, which secret.example.yaml does not define", e.Name, ref.Name, ref.Key)
			}
			// The template holds placeholders only; leave the secret out.
		default:
			t.Errorf("env %s: unexpected valueFrom %+v", e.Name, e.ValueFrom)
		}
	}
	if _, ok := env["SESSION_KEYS"]; ok {
		t.Error("SESSION_KEYS is a plain value; it must come from the Secret")
	}
	hasSessionKeys := slices.ContainsFunc(c.Env, func(e corev1.EnvVar) bool {
		return e.Name == "SESSION_KEYS" && e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil
	})
	if !hasSessionKeys {
		t.Error("SESSION_KEYS is not taken from the Secret: replicas would sign cookies with different random keys")
	}

	cfg, err := config.Parse(nil, func(k string) string { return env[k] }, io.Discard)
	if err != nil {
		t.Fatalf("the Deployment's settings do not parse:\n%v", err)
	}
	if cfg.ExplorerURL == "" || cfg.NebulaAddress == "" {
		t.Errorf("EXPLORER_URL = %q, NEBULA_ADDRESS = %q; both must be set (else the simulator starts)", cfg.ExplorerURL, cfg.NebulaAddress)
	}
	if !cfg.SecureCookie {
		t.Error("JOBBOARD_SECURE_COOKIE is not true")
	}
	if cfg.LogFormat != "json" {
		t.Errorf("log format = %q, want json", cfg.LogFormat)
	}
	_, listenPort, err := net.SplitHostPort(cfg.Addr)
	if err != nil {
		t.Fatal(err)
	}
	if port, _ := containerPort(c, intstr.FromString("http")); listenPort != strconv.Itoa(int(port)) {
		t.Errorf("jobboard listens on %s but the container port is %d", cfg.Addr, port)
	}
}

func TestSecretTemplateHoldsNoUsableKeys(t *testing.T) {
	secret := only[corev1.Secret](t, loadManifests(t))
	v, ok := secret.StringData["SESSION_KEYS"]
	if !ok {
		t.Fatal("secret template has no stringData.SESSION_KEYS")
	}
	if _, err := config.ParseSessionKeys(v); err == nil {
		t.Error("secret.example.yaml holds valid session keys; a template must only hold placeholders")
	}
	if len(secret.Data) > 0 {
		t.Error("secret template has data entries; keep placeholders in stringData")
	}
}

func TestServiceTargetsContainerPort(t *testing.T) {
	ms := loadManifests(t)
	d := only[appsv1.Deployment](t, ms)
	svc := only[corev1.Service](t, ms)
	c := jobboardContainer(t, d)
	if svc.Spec.Type != "" && svc.Spec.Type != corev1.ServiceTypeClusterIP {
		t.Errorf("Service type = %s, want ClusterIP", svc.Spec.Type)
	}
	if !selects(&metav1.LabelSelector{MatchLabels: svc.Spec.Selector}, d.Spec.Template.Labels) {
		t.Errorf("Service selector %v does not select the Deployment's pods %v", svc.Spec.Selector, d.Spec.Template.Labels)
	}
	if len(svc.Spec.Ports) != 1 {
		t.Fatalf("Service has %d ports, want 1", len(svc.Spec.Ports))
	}
	p := svc.Spec.Ports[0]
	if p.Port != 80 {
		t.Errorf("Service port = %d, want 80", p.Port)
	}
	if got, ok := containerPort(c, p.TargetPort); !ok || got != 8080 {
		t.Errorf("Service targetPort %s is not the container's port 8080", p.TargetPort.String())
	}
}

func TestAutoscalerTargetsDeployment(t *testing.T) {
	ms := loadManifests(t)
	d := only[appsv1.Deployment](t, ms)
	hpa := only[autoscalingv2.HorizontalPodAutoscaler](t, ms)
	ref := hpa.Spec.ScaleTargetRef
	if ref.APIVersion != "apps/v1" || ref.Kind != "Deployment" || ref.Name != d.Name {
		t.Errorf("HPA scales %s %s %q, want apps/v1 Deployment %q", ref.APIVersion, ref.Kind, ref.Name, d.Name)
	}
	if hpa.Spec.MinReplicas == nil || *hpa.Spec.MinReplicas != 2 || hpa.Spec.MaxReplicas != 6 {
		t.Errorf("HPA replicas min %v max %d, want 2..6", hpa.Spec.MinReplicas, hpa.Spec.MaxReplicas)
	}
	if d.Spec.Replicas != nil && hpa.Spec.MinReplicas != nil && *d.Spec.Replicas < *hpa.Spec.MinReplicas {
		t.Errorf("Deployment replicas %d below the HPA minimum %d", *d.Spec.Replicas, *hpa.Spec.MinReplicas)
	}
	if len(hpa.Spec.Metrics) != 1 {
		t.Fatalf("HPA has %d metrics, want 1 (CPU)", len(hpa.Spec.Metrics))
	}
	m := hpa.Spec.Metrics[0]
	if m.Type != autoscalingv2.ResourceMetricSourceType || m.Resource == nil || m.Resource.Name != corev1.ResourceCPU ||
		m.Resource.Target.Type != autoscalingv2.UtilizationMetricType ||
		m.Resource.Target.AverageUtilization == nil || *m.Resource.Target.AverageUtilization != 70 {
		t.Errorf("HPA metric = %+v, want CPU utilisation 70%%", m)
	}
	// Utilisation is relative to the request: without one the HPA cannot act.
	if _, ok := jobboardContainer(t, d).Resources.Requests[corev1.ResourceCPU]; !ok {
		t.Error("the HPA scales on CPU utilisation but the container has no CPU request")
	}
}

func TestDisruptionBudgetSelectsPods(t *testing.T) {
	ms := loadManifests(t)
	d := only[appsv1.Deployment](t, ms)
	pdb := only[policyv1.PodDisruptionBudget](t, ms)
	if !selects(pdb.Spec.Selector, d.Spec.Template.Labels) {
		t.Errorf("PodDisruptionBudget selector %v does not select the Deployment's pods", pdb.Spec.Selector)
	}
	if pdb.Spec.MinAvailable == nil || pdb.Spec.MinAvailable.IntValue() < 1 ||
		pdb.Spec.MinAvailable.IntValue() >= int(*d.Spec.Replicas) {
		t.Errorf("minAvailable = %v, want at least 1 and below the %d replicas so drains can proceed", pdb.Spec.MinAvailable, *d.Spec.Replicas)
	}
}
