package testbed

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// TokenUser creates a user that authenticates with a bearer token: a
// service account named name in the default namespace, bound to
// cluster-admin, and a token for it. It writes a kubeconfig for that user
// (context name, current) into a test directory and returns its path and
// the token.
func (c *ControlPlane) TokenUser(t testing.TB, name string) (kubeconfig, token string) {
	t.Helper()
	return c.RestrictedTokenUser(t, name, nil)
}

// RestrictedTokenUser is TokenUser for a user allowed only what rules
// allow (a cluster role of its own); nil rules mean cluster-admin.
func (c *ControlPlane) RestrictedTokenUser(t testing.TB, name string, rules []rbacv1.PolicyRule) (kubeconfig, token string) {
	t.Helper()
	return c.tokenUser(t, name, rules, nil)
}

// NamespacedTokenUser is RestrictedTokenUser for a user allowed what rules
// allow in the given namespaces only (role bindings there, no cluster role
// binding): such a user may list a kind in each of them, but not across
// all namespaces.
func (c *ControlPlane) NamespacedTokenUser(t testing.TB, name string, rules []rbacv1.PolicyRule, namespaces ...string) (kubeconfig, token string) {
	t.Helper()
	if rules == nil || len(namespaces) == 0 {
		t.Fatal("NamespacedTokenUser needs rules and namespaces")
	}
	return c.tokenUser(t, name, rules, namespaces)
}

func (c *ControlPlane) tokenUser(t testing.TB, name string, rules []rbacv1.PolicyRule, namespaces []string) (kubeconfig, token string) {
	t.Helper()
	ctx := context.Background()
	cs, err := kubernetes.NewForConfig(c.RestConfig)
	if err != nil {
		t.Fatal(err)
	}
	sa := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: DefaultNamespace}}
	if _, err := cs.CoreV1().ServiceAccounts(DefaultNamespace).Create(ctx, sa, metav1.CreateOptions{}); err != nil {
		t.Fatalf("creating service account %s: %v", name, err)
	}
	role := "cluster-admin"
	if rules != nil {
		role = "testbed-" + name
		cr := &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: role}, Rules: rules}
		if _, err := cs.RbacV1().ClusterRoles().Create(ctx, cr, metav1.CreateOptions{}); err != nil {
			t.Fatalf("creating cluster role %s: %v", role, err)
		}
		t.Cleanup(func() { _ = cs.RbacV1().ClusterRoles().Delete(context.Background(), role, metav1.DeleteOptions{}) })
	}
	roleRef := rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: role}
	subjects := []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Name: name, Namespace: DefaultNamespace}}
	bindingName := "testbed-" + name
	if namespaces == nil {
		binding := &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: bindingName}, RoleRef: roleRef, Subjects: subjects}
		if _, err := cs.RbacV1().ClusterRoleBindings().Create(ctx, binding, metav1.CreateOptions{}); err != nil {
			t.Fatalf("binding service account %s: %v", name, err)
		}
		t.Cleanup(func() {
			_ = cs.RbacV1().ClusterRoleBindings().Delete(context.Background(), bindingName, metav1.DeleteOptions{})
		})
	}
	for _, ns := range namespaces {
		binding := &rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Name: bindingName, Namespace: ns}, RoleRef: roleRef, Subjects: subjects}
		if _, err := cs.RbacV1().RoleBindings(ns).Create(ctx, binding, metav1.CreateOptions{}); err != nil {
			t.Fatalf("binding service account %s in %s: %v", name, ns, err)
		}
		t.Cleanup(func() {
			_ = cs.RbacV1().RoleBindings(ns).Delete(context.Background(), bindingName, metav1.DeleteOptions{})
		})
	}
	t.Cleanup(func() {
		_ = cs.CoreV1().ServiceAccounts(DefaultNamespace).Delete(context.Background(), name, metav1.DeleteOptions{})
	})
	tr, err := cs.CoreV1().ServiceAccounts(DefaultNamespace).CreateToken(ctx, name, &authenticationv1.TokenRequest{}, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("requesting a token for %s: %v", name, err)
	}
	token = tr.Status.Token
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters[name] = &clientcmdapi.Cluster{Server: c.RestConfig.Host, CertificateAuthorityData: c.RestConfig.CAData}
	cfg.AuthInfos[name] = &clientcmdapi.AuthInfo{Token: token}
	cfg.Contexts[name] = &clientcmdapi.Context{Cluster: name, AuthInfo: name, Namespace: DefaultNamespace}
	cfg.CurrentContext = name
	kubeconfig = filepath.Join(t.TempDir(), name+".kubeconfig")
	b, err := clientcmd.Write(*cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(kubeconfig, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return kubeconfig, token
}
